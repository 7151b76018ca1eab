package dev.mxrtc.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The framework properties of a runtime: {@code etc/config.properties}, where a Java system property of the
 * same name overrides a key, and {@code ${name}} refers to another key, else to a system property
 * ({@code ${mxrtc.home}} is always the runtime directory). Unknown references are an error, so a typo does
 * not silently become an empty path.
 */
public final class LauncherConfig {

    /** The system property (and config key) naming the runtime directory. */
    public static final String HOME = "mxrtc.home";

    private static final int MAX_DEPTH = 16;

    private LauncherConfig() {
    }

    /**
     * @param file the properties file
     * @param system the system properties (overrides and substitution source)
     * @param home the runtime directory
     * @return the resolved properties, sorted by key
     * @throws IOException if the file cannot be read
     */
    public static Map<String, String> load(Path file, Map<String, String> system, Path home) throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        Map<String, String> raw = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> raw.put(k, system.getOrDefault(k, props.getProperty(k))));
        raw.put(HOME, home.toString());
        return resolve(raw, system);
    }

    /**
     * Substitutes {@code ${name}} references.
     *
     * @param raw the keys and unresolved values
     * @param system where names that are not keys are looked up
     * @return the resolved map
     */
    static Map<String, String> resolve(Map<String, String> raw, Map<String, String> system) {
        Map<String, String> out = new TreeMap<>();
        raw.forEach((k, v) -> out.put(k, substitute(k, v, raw, system, 0)));
        return out;
    }

    private static String substitute(String key, String value, Map<String, String> raw, Map<String, String> system,
            int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("cyclic ${...} reference in " + key);
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            int end = value.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed ${ in " + key + ": " + value);
            }
            out.append(value, i, start);
            String name = value.substring(start + 2, end);
            String ref = raw.containsKey(name) ? raw.get(name) : system.get(name);
            if (ref == null) {
                throw new IllegalArgumentException("unknown ${" + name + "} in " + key);
            }
            out.append(substitute(name, ref, raw, system, depth + 1));
            i = end + 1;
        }
        return out.toString();
    }
}
