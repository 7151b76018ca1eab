package dev.mxrtc.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ops4j.pax.exam.Option;

import dev.mxrtc.launcher.BundleSet;
import dev.mxrtc.launcher.LauncherConfig;

/**
 * Pax Exam options that boot what {@code bin/mxrtc run} boots: the distribution's {@code bundle/} directory
 * with the launcher's own start-level rule, and its {@code etc/config.properties} as framework properties.
 * Only what a test must control differs: the HTTP port (0: any free port), FileInstall's directory and poll
 * interval, and the log directory. Pax Exam owns the framework storage.
 */
final class MxrtcOptions {

    /** The distribution's runtime directory (set by failsafe). */
    static Path dist() {
        return Path.of(System.getProperty("mxrtc.dist", "../distribution/target/mxrtc")).toAbsolutePath().normalize();
    }

    /** A fresh directory under target/itest-work. */
    static Path workDir(String name) {
        try {
            Path root = Path.of(System.getProperty("mxrtc.itest.work", "target/itest-work")).toAbsolutePath();
            Files.createDirectories(root);
            return Files.createTempDirectory(root, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MxrtcOptions() {
    }

    /**
     * @param work the test's directory: {@code deploy/} (watched by FileInstall) and {@code log/} go here
     * @param pollMs FileInstall's poll interval
     */
    static Option[] runtime(Path work, long pollMs) {
        Path dist = dist();
        try {
            Files.createDirectories(work.resolve("deploy"));
            Files.createDirectories(work.resolve("log"));
            Map<String, String> system = new HashMap<>();
            System.getProperties().stringPropertyNames().forEach(k -> system.put(k, System.getProperty(k)));
            system.put("mxrtc.http.port", "0");
            system.put("felix.fileinstall.dir", work.resolve("deploy").toString());
            system.put("felix.fileinstall.poll", Long.toString(pollMs));
            Map<String, String> config = LauncherConfig.load(dist.resolve("etc/config.properties"), system, work);

            List<Option> options = new ArrayList<>();
            config.forEach((k, v) -> {
                if (!k.startsWith("org.osgi.framework.storage")) {
                    options.add(frameworkProperty(k).value(v));
                }
            });
            // logback reads system properties: the distribution's logback.xml, logging into work/log
            options.add(systemProperty(LauncherConfig.HOME).value(work.toString()));
            options.add(systemProperty("logback.configurationFile").value(dist.resolve("etc/logback.xml").toString()));
            options.add(systemProperty("mxrtc.log.console").value("WARN"));
            for (BundleSet.BundleJar jar : BundleSet.scan(dist.resolve("bundle"))) {
                options.add(bundle(jar.location()).startLevel(jar.startLevel()).start());
            }
            options.add(junitBundles());
            options.add(cleanCaches());
            return options.toArray(Option[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("build the distribution first (mvn -pl distribution package)", e);
        }
    }
}
