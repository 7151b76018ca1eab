package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mxrtc.homeserver.TestServer.User;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Access tokens are cached after their first use: every way a token ends must still end it at once. */
@Timeout(30)
class TokenCacheTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedOrLoggedOutTokenIsRefusedEvenAfterUse() throws Exception {
        try (TestServer hs = TestServer.start(dir)) {
            User alice = hs.register("alice");
            assertEquals(200, whoami(hs, alice.token()));

            // logging in again as the same device replaces its token
            String second = login(hs, alice.deviceId());
            assertEquals(401, whoami(hs, alice.token()));
            assertEquals(200, whoami(hs, second));

            // logout/all ends every device's token, including one used (so cached) just before
            String third = login(hs, "OTHERDEV");
            assertEquals(200, whoami(hs, third));
            assertEquals(200, hs.post("/_matrix/client/v3/logout/all", second, Map.of()).status());
            assertEquals(401, whoami(hs, second));
            assertEquals(401, whoami(hs, third));
        }
    }

    private static int whoami(TestServer hs, String token) throws Exception {
        return hs.get("/_matrix/client/v3/account/whoami", token).status();
    }

    private static String login(TestServer hs, String deviceId) throws Exception {
        TestServer.Resp r = hs.post("/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", "alice"), "password", "pw-alice",
                "device_id", deviceId));
        assertEquals(200, r.status(), r.toString());
        return r.text("access_token");
    }
}
