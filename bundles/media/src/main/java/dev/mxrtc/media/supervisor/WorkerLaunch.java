package dev.mxrtc.media.supervisor;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start the media worker: a java binary, JVM options and the class path (this bundle's classes and
 * webrtc-java's, with the native library).
 */
public record WorkerLaunch(Path java, List<String> jvmArgs, List<Path> classpath) {

    public static final String MAIN = "dev.mxrtc.media.worker.MediaWorker";

    public WorkerLaunch {
        Objects.requireNonNull(java, "java");
        jvmArgs = List.copyOf(jvmArgs);
        classpath = List.copyOf(classpath);
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("the worker needs a class path");
        }
    }

    /** The java binary running this JVM. */
    public static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        cmd.add(MAIN);
        return cmd;
    }
}
