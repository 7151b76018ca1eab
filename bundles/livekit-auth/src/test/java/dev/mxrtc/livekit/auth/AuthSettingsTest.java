package dev.mxrtc.livekit.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSettingsTest {

    static AuthSettings settings(List<String> full) {
        return new AuthSettings("wss://sfu.example.org", "key", "s3cret-value", full, Map.of(), Map.of(), Duration.ZERO, "");
    }

    @Test
    void fullAccessAsLkJwtService() {
        assertTrue(settings(List.of("*")).fullAccess("anything.org"));
        assertTrue(settings(List.of("a.org", "b.org")).fullAccess("b.org"));
        assertFalse(settings(List.of("a.org")).fullAccess("b.org"));
        assertFalse(settings(List.of("*", "a.org")).fullAccess("b.org"), "'*' counts only as the only entry");
        assertEquals(List.of("a.org", "b.org", "c.org"), AuthSettings.parseList(" a.org, b.org c.org,"));
        assertThrows(IllegalArgumentException.class, () -> settings(List.of()));
    }

    @Test
    void overridesAndDerivedRoomServiceUrl() {
        Map<String, URI> o = AuthSettings.parseOverrides("example.com=matrix-client.example.com, b.org = http://127.0.0.1:8008");
        assertEquals(URI.create("https://matrix-client.example.com"), o.get("example.com"));
        assertEquals(URI.create("http://127.0.0.1:8008"), o.get("b.org"));
        assertThrows(IllegalArgumentException.class, () -> AuthSettings.parseOverrides("nonsense"));
        assertEquals("https://sfu.example.org", settings(List.of("*")).roomServiceUrl());
    }

    @Test
    void secretNeverInToString() {
        assertFalse(settings(List.of("*")).toString().contains("s3cret-value"));
    }

    @Test
    void keyFiles(@TempDir Path dir) throws Exception {
        Path ks = Files.writeString(dir.resolve("ks"), "devkey:devsecret\n");
        assertArrayEquals(new String[] {"devkey", "devsecret"}, AuthSettings.readKeySecretFile(ks));
        Path bad = Files.writeString(dir.resolve("bad"), "a:b:c");
        assertThrows(java.io.IOException.class, () -> AuthSettings.readKeySecretFile(bad));
        assertEquals("only", AuthSettings.readTrimmed(Files.writeString(dir.resolve("k"), " only\r\n")));
    }
}
