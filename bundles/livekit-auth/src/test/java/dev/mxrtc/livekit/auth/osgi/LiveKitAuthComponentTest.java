package dev.mxrtc.livekit.auth.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mxrtc.livekit.auth.AuthSettings;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed configuration maps onto lk-jwt-service's environment semantics. */
class LiveKitAuthComponentTest {

    static LiveKitAuthComponent.Config config(Map<String, Object> values) {
        return (LiveKitAuthComponent.Config) Proxy.newProxyInstance(LiveKitAuthComponent.Config.class.getClassLoader(),
                new Class<?>[] {LiveKitAuthComponent.Config.class}, (p, m, a) -> {
                    if (values.containsKey(m.getName())) return values.get(m.getName());
                    Object d = m.getDefaultValue();
                    if (d == null) throw new IllegalStateException("no value for " + m.getName());
                    return d;
                });
    }

    static Map<String, Object> base() {
        Map<String, Object> v = new HashMap<>();
        v.put("livekit__url", "wss://sfu.example.org");
        v.put("livekit__key", "k");
        v.put("livekit__secret", "s");
        v.put("full__access__homeservers", new String[] {"a.org, b.org", "c.org"});
        return v;
    }

    @Test
    void environmentEquivalents() {
        Map<String, Object> v = base();
        v.put("cs__api__url__overrides", new String[] {"a.org=matrix.a.org", "b.org=http://127.0.0.1:8008"});
        v.put("sanity__check__interval__seconds", 30);
        AuthSettings s = LiveKitAuthComponent.settings(config(v));
        assertEquals(List.of("a.org", "b.org", "c.org"), s.fullAccessHomeservers());
        assertEquals(URI.create("https://matrix.a.org"), s.csApiUrlOverrides().get("a.org"));
        assertEquals(Duration.ofSeconds(30), s.sanityCheckInterval());
        assertEquals("https://sfu.example.org", s.roomServiceUrl());
    }

    @Test
    void keyFilesWinLikeLkJwtService(@TempDir Path dir) throws Exception {
        Map<String, Object> v = base();
        v.put("livekit__key__from__file", Files.writeString(dir.resolve("key"), "filekey\n").toString());
        v.put("livekit__secret__from__file", Files.writeString(dir.resolve("secret"), "filesecret\n").toString());
        AuthSettings s = LiveKitAuthComponent.settings(config(v));
        assertEquals("filekey", s.apiKey());
        assertEquals("filesecret", s.apiSecret());
        v.put("livekit__key__file", Files.writeString(dir.resolve("ks"), "pairkey:pairsecret").toString());
        s = LiveKitAuthComponent.settings(config(v));
        assertEquals("pairkey", s.apiKey());
        assertEquals("pairsecret", s.apiSecret());
        v.put("livekit__key__file", dir.resolve("missing").toString());
        assertThrows(RuntimeException.class, () -> LiveKitAuthComponent.settings(config(v)));
    }

    @Test
    void requiredValuesAndPath() {
        Map<String, Object> v = base();
        v.put("livekit__secret", "");
        assertThrows(IllegalArgumentException.class, () -> LiveKitAuthComponent.settings(config(v)));
        Map<String, Object> w = base();
        w.put("full__access__homeservers", new String[] {});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LiveKitAuthComponent.settings(config(w)))
                .getMessage().contains("full_access_homeservers"));
        assertEquals("/livekit/jwt", LiveKitAuthComponent.path("/livekit/jwt/"));
        assertThrows(IllegalArgumentException.class, () -> LiveKitAuthComponent.path("livekit"));
        assertThrows(IllegalArgumentException.class, () -> LiveKitAuthComponent.path("/a/*"));
    }
}
