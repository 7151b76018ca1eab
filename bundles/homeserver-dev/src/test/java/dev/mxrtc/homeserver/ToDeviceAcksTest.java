package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.TestServer.User;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged to-device messages are deleted for good (off the answer path): after a restart, which forgets the
 * in-memory acknowledgement watermarks, an old since token still does not bring them back.
 */
@Timeout(60)
class ToDeviceAcksTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedMessagesStayDeletedAcrossARestart() throws Exception {
        User alice;
        User bob;
        String initial;
        try (TestServer hs = TestServer.start(dir)) {
            alice = hs.register("alice");
            bob = hs.register("bob");
            initial = hs.sync(bob, null, 0).text("next_batch");
            for (int n = 0; n < 3; n++) {
                assertEquals(200, hs.put("/_matrix/client/v3/sendToDevice/m.test/t" + n, alice.token(),
                        Map.of("messages", Map.of(bob.userId(), Map.of(bob.deviceId(), Map.of("n", n))))).status());
            }
            JsonNode first = hs.sync(bob, initial, 0).body();
            assertEquals(3, first.path("to_device").path("events").size());
            hs.sync(bob, first.path("next_batch").asText(), 0); // acknowledges the three
            assertTrue(hs.sync(bob, initial, 0).body().path("to_device").path("events").isEmpty(),
                    "hidden at once, whether or not deleted yet");
            // one more, sent after the acknowledgement: it must survive the restart
            assertEquals(200, hs.put("/_matrix/client/v3/sendToDevice/m.test/t3", alice.token(),
                    Map.of("messages", Map.of(bob.userId(), Map.of(bob.deviceId(), Map.of("n", 3))))).status());
        }
        try (TestServer hs = TestServer.start(dir)) {
            JsonNode again = hs.sync(bob, initial, 0).body();
            assertEquals(1, again.path("to_device").path("events").size(), again.toString());
            assertEquals(3, again.path("to_device").path("events").get(0).path("content").path("n").asInt());
        }
    }
}
