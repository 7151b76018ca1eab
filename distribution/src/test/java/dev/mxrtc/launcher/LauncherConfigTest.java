package dev.mxrtc.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherConfigTest {

    @TempDir
    Path home;

    private Map<String, String> load(String text, Map<String, String> system) throws IOException {
        Path file = home.resolve("config.properties");
        Files.writeString(file, text);
        return LauncherConfig.load(file, system, home);
    }

    @Test
    void substitutesKeysAndHome() throws IOException {
        Map<String, String> c = load("""
                mxrtc.http.port=8008
                org.osgi.service.http.port=${mxrtc.http.port}
                org.osgi.framework.storage=${mxrtc.home}/data/felix-cache
                """, Map.of());
        assertEquals("8008", c.get("org.osgi.service.http.port"));
        assertEquals(home + "/data/felix-cache", c.get("org.osgi.framework.storage"));
    }

    @Test
    void systemPropertyOverridesKeyAndReachesReferences() throws IOException {
        Map<String, String> c = load("""
                mxrtc.http.port=8008
                org.osgi.service.http.port=${mxrtc.http.port}
                """, Map.of("mxrtc.http.port", "18123"));
        assertEquals("18123", c.get("mxrtc.http.port"));
        assertEquals("18123", c.get("org.osgi.service.http.port"));
    }

    @Test
    void referencesFallBackToSystemProperties() throws IOException {
        Map<String, String> c = load("a=${user.x}/b\n", Map.of("user.x", "/opt"));
        assertEquals("/opt/b", c.get("a"));
    }

    @Test
    void escapedBackslashesSurvive() throws IOException {
        Map<String, String> c = load("felix.fileinstall.filter=.*\\\\.(cfg|jar)\n", Map.of());
        assertEquals(".*\\.(cfg|jar)", c.get("felix.fileinstall.filter"));
    }

    @Test
    void unknownOrCyclicReferencesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> load("a=${nope}\n", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> load("a=${b}\nb=${a}\n", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> load("a=${b\n", Map.of()));
    }
}
