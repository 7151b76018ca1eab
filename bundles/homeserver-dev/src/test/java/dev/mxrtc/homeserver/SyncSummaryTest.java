package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.TestServer.User;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The room {@code summary} comes with a full room and with membership changes, and is left out otherwise. */
@Timeout(60)
class SyncSummaryTest {
    @TempDir
    Path dir;

    @Test
    void summaryOnlyWhenTheRoomIsNewOrItsMembershipChanged() throws Exception {
        try (TestServer hs = TestServer.start(dir)) {
            User alice = hs.register("alice");
            User bob = hs.register("bob");
            String room = hs.createRoom(alice, Map.of("preset", "public_chat"));
            JsonNode initial = hs.sync(alice, null, 0).body();
            JsonNode first = initial.path("rooms").path("join").path(room);
            assertEquals(1, first.path("summary").path("m.joined_member_count").asInt(), first.toString());

            hs.send(alice, room, "m.room.message", "t1", Map.of("body", "hello"));
            JsonNode messageOnly = hs.sync(alice, initial.path("next_batch").asText(), 0).body();
            JsonNode r = messageOnly.path("rooms").path("join").path(room);
            assertEquals(1, r.path("timeline").path("events").size());
            assertFalse(r.has("summary"), "unchanged membership: no summary");

            hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), bob.token(), Map.of());
            JsonNode joined = hs.sync(alice, messageOnly.path("next_batch").asText(), 0).body();
            JsonNode s = joined.path("rooms").path("join").path(room).path("summary");
            assertEquals(2, s.path("m.joined_member_count").asInt(), joined.toString());
            assertTrue(s.path("m.heroes").toString().contains(bob.userId()));
        }
    }
}
