package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.TestServer.Resp;
import dev.mxrtc.homeserver.TestServer.User;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MSC4354 sticky events: stored duration, TTL, delivery beyond the timeline limit, dedup, expiry. */
@Timeout(60)
class StickyEventsTest {
    static final String RTC_MEMBER = "org.matrix.msc4143.rtc.member";

    @TempDir
    Path dir;
    TestServer hs;
    User alice;
    User bob;
    String room;

    @BeforeEach
    void start() throws Exception {
        hs = TestServer.start(dir);
        alice = hs.register("alice");
        bob = hs.register("bob");
        room = hs.createRoom(alice, Map.of("preset", "public_chat"));
        hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), bob.token(), Map.of());
    }

    @AfterEach
    void stop() {
        hs.close();
    }

    Resp sendSticky(User u, String txn, long durationMs, Object content) throws Exception {
        return hs.put("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/send/" + RTC_MEMBER + "/" + txn
                + "?org.matrix.msc4354.sticky_duration_ms=" + durationMs, u.token(), content);
    }

    static JsonNode sticky(JsonNode sync, String roomId) {
        return sync.path("rooms").path("join").path(roomId).path("msc4354_sticky").path("events");
    }

    @Test
    void stickyEventsSurviveTimelineLimitWithTtlAndAreNotRepeated() throws Exception {
        String since = hs.sync(bob, null, 0).text("next_batch");
        Resp sent = sendSticky(alice, "m1", 7_200_000, Map.of("slot_id", "m.call#ROOM", "msc4354_sticky_key", "k1"));
        assertEquals(200, sent.status());
        String eventId = sent.text("event_id");
        for (int i = 0; i < 5; i++) hs.send(alice, room, "m.room.message", "f" + i, Map.of("body", "filler " + i));

        String limit1 = TestServer.enc("{\"room\":{\"timeline\":{\"limit\":1}}}");
        JsonNode s = hs.get("/_matrix/client/v3/sync?filter=" + limit1 + "&since=" + since, bob.token()).body();
        JsonNode room1 = s.path("rooms").path("join").path(room);
        assertTrue(room1.path("timeline").path("limited").asBoolean());
        assertEquals(1, sticky(s, room).size(), "delivered despite the timeline limit");
        JsonNode ev = sticky(s, room).get(0);
        assertEquals(eventId, ev.path("event_id").asText());
        assertEquals(3_600_000, ev.path("msc4354_sticky").path("duration_ms").asLong(), "capped at 1 h");
        long ttl = ev.path("unsigned").path("msc4354_sticky_duration_ttl_ms").asLong();
        assertTrue(ttl > 3_500_000 && ttl <= 3_600_000, "ttl " + ttl);

        // stream-like: the next incremental sync does not repeat it
        JsonNode next = hs.get("/_matrix/client/v3/sync?filter=" + limit1 + "&since=" + s.path("next_batch").asText(),
                bob.token()).body();
        assertEquals(0, sticky(next, room).size());

        // deduplicated against the timeline: with a large limit it is in the timeline only
        JsonNode wide = hs.sync(bob, since, 0).body();
        assertTrue(TestServer.timelineHas(wide, room, e -> eventId.equals(e.path("event_id").asText())));
        assertEquals(0, sticky(wide, room).size());
        assertTrue(TestServer.timelineHas(wide, room, e -> e.has("msc4354_sticky")
                && e.path("unsigned").has("msc4354_sticky_duration_ttl_ms")));
    }

    @Test
    void expiredStickyEventsAreNotDeliveredAndInitialSyncCarriesLiveOnes() throws Exception {
        sendSticky(alice, "short", 300, Map.of("msc4354_sticky_key", "short"));
        String live = sendSticky(alice, "long", 600_000, Map.of("msc4354_sticky_key", "long")).text("event_id");
        for (int i = 0; i < 3; i++) hs.send(alice, room, "m.room.message", "f" + i, Map.of("body", "x"));
        Thread.sleep(450);
        String limit1 = TestServer.enc("{\"room\":{\"timeline\":{\"limit\":1}}}");
        JsonNode s = hs.get("/_matrix/client/v3/sync?filter=" + limit1, bob.token()).body();
        JsonNode st = sticky(s, room);
        assertEquals(1, st.size(), "only the unexpired one: " + st);
        assertEquals(live, st.get(0).path("event_id").asText());
    }

    @Test
    void delayedStickyEventIsStickyFromWhenItFires() throws Exception {
        Resp r = hs.put("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/send/" + RTC_MEMBER + "/d1"
                + "?org.matrix.msc4140.delay=300&org.matrix.msc4354.sticky_duration_ms=60000", alice.token(),
                Map.of("slot_id", "m.call#ROOM", "msc4354_sticky_key", "mem"));
        assertEquals(200, r.status());
        assertTrue(r.body().has("delay_id"));
        JsonNode s = hs.syncUntil(bob, null, 5000, sync -> TestServer.timelineHas(sync, room,
                e -> RTC_MEMBER.equals(e.path("type").asText())));
        boolean found = false;
        for (JsonNode e : s.path("rooms").path("join").path(room).path("timeline").path("events")) {
            if (!RTC_MEMBER.equals(e.path("type").asText())) continue;
            found = true;
            assertEquals(60_000, e.path("msc4354_sticky").path("duration_ms").asLong());
            assertTrue(e.path("unsigned").path("msc4354_sticky_duration_ttl_ms").asLong() > 50_000);
        }
        assertTrue(found);
        assertFalse(r.body().has("event_id"));
    }
}
