package dev.mxrtc.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The bundles a runtime starts at boot, read from its {@code bundle/} directory: the one list the launcher
 * and the integration tests both install.
 *
 * <ul>
 * <li>{@code bundle/boot/*.jar}: start level {@value #BOOT_LEVEL}. SPI Fly, SLF4J, logback and the OSGi Log Service:
 * SPI Fly must weave {@code org.slf4j.LoggerFactory} before any bundle loads it, and logback must already be
 * registered as its provider, or SLF4J falls back to its no-op logger for good.</li>
 * <li>{@code bundle/*.jar}: start level {@value #DEFAULT_LEVEL}, everything else.</li>
 * </ul>
 * Within a level, jars install in file name order.
 */
public final class BundleSet {

    /** Start level of {@code bundle/boot}. */
    public static final int BOOT_LEVEL = 1;
    /** Start level of {@code bundle/}, of bundles deployed later, and the framework's beginning level. */
    public static final int DEFAULT_LEVEL = 2;

    /**
     * One bundle jar and its start level.
     *
     * @param path the jar
     * @param startLevel its start level
     */
    public record BundleJar(Path path, int startLevel) {
        public BundleJar {
            Objects.requireNonNull(path, "path");
            if (startLevel < 1) {
                throw new IllegalArgumentException("start level must be >= 1: " + startLevel);
            }
        }

        /** @return the location to install the bundle from */
        public String location() {
            return path.toUri().toString();
        }
    }

    private BundleSet() {
    }

    /**
     * @param bundleDir the runtime's {@code bundle/} directory
     * @return the jars, boot level first, then by file name
     * @throws IOException if a directory cannot be listed
     */
    public static List<BundleJar> scan(Path bundleDir) throws IOException {
        List<BundleJar> out = new ArrayList<>();
        jars(bundleDir.resolve("boot")).forEach(p -> out.add(new BundleJar(p, BOOT_LEVEL)));
        jars(bundleDir).forEach(p -> out.add(new BundleJar(p, DEFAULT_LEVEL)));
        if (out.isEmpty()) {
            throw new IOException("no bundles in " + bundleDir);
        }
        return List.copyOf(out);
    }

    private static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }
}
