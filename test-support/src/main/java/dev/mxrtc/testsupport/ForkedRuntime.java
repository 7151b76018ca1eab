package dev.mxrtc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A temp copy of the real runtime ({@code distribution/target/mxrtc}) driven through its own {@code bin/mxrtc},
 * with this JVM's Java. {@link #close()} stops it if it still runs. Shared by {@code itest} and {@code itest-media}.
 */
public final class ForkedRuntime implements AutoCloseable {

    /** What a {@code bin/mxrtc} command printed and returned. */
    public record Result(int code, String out, String err) {
    }

    private final Path home;

    private ForkedRuntime(Path home) {
        this.home = home;
    }

    /**
     * Copies the distribution into {@code workDir/mxrtc}, without a run's state (data/, log/, run/).
     *
     * @param dist the built runtime, e.g. {@code distribution/target/mxrtc}
     * @param workDir a fresh directory of the test; logs of {@link #background} go here too
     */
    public static ForkedRuntime copy(Path dist, Path workDir) throws IOException {
        Path home = workDir.resolve("mxrtc");
        try (Stream<Path> files = Files.walk(dist)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (ForkedRuntime.isState(dist.relativize(p))) {
                    continue; // a runtime that ran in target/mxrtc (bin/run) left its state there
                }
                Path to = home.resolve(dist.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return new ForkedRuntime(home);
    }

    public Path home() {
        return home;
    }

    public Path log() {
        return home.resolve("log/mxrtc.log");
    }

    public String logText() {
        return read(log());
    }

    /** Runs bin/mxrtc; extra "K=V" arguments after the command become environment. */
    public Result mxrtc(Duration max, String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/mxrtc").toString(), command));
        ProcessBuilder pb = new ProcessBuilder();
        for (String a : args) {
            if (a.matches("[A-Z_]+=.*")) {
                pb.environment().put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                cmd.add(a);
            }
        }
        pb.command(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MXRTC_OPTS");
        Path out = Files.createTempFile(home.getParent(), "out", ".txt");
        Path err = Files.createTempFile(home.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile()));
        Process p = pb.start();
        if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/mxrtc " + command + " did not return within " + max + ": " + read(err));
        }
        return new Result(p.exitValue(), read(out), read(err));
    }

    /**
     * Starts {@code bin/mxrtc command args...} in the background (e.g. {@code homeserver}); its output goes to
     * {@code <name>.log} beside the runtime. The caller stops it ({@link Process#destroy()} is SIGTERM).
     */
    public Process background(String name, String command, String... args) throws IOException {
        return background(name, java.util.Map.of(), command, args);
    }

    /**
     * As {@link #background(String, String, String...)}, with more environment (e.g. {@code MXRTC_HTTP_PORT}); for
     * {@code run}, the process is the runtime's JVM itself ({@code bin/mxrtc run} execs it).
     */
    public Process background(String name, java.util.Map<String, String> env, String command, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/mxrtc").toString(), command));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.getParent().resolve(name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MXRTC_OPTS");
        pb.environment().putAll(env);
        return pb.start();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (Files.exists(home.resolve("run/mxrtc.pid"))) {
            mxrtc(Duration.ofSeconds(40), "stop");
        }
    }

    /**
     * @return whether {@code relative} (to the runtime's home) is a run's state rather than the distribution
     *         ({@code deploy/} is the distribution's: it ships the swappable bundles)
     */
    public static boolean isState(Path relative) {
        return relative.getNameCount() > 0 && java.util.Set.of("data", "log", "run")
                .contains(relative.getName(0).toString());
    }

    public static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
