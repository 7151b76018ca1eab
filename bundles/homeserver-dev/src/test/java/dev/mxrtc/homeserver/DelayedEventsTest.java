package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

/** MSC4140 delayed events against the real server, with short delays and bounded waits. */
@Timeout(60)
class DelayedEventsTest {
    static final String U = "/_matrix/client/unstable/org.matrix.msc4140/delayed_events";
    static final String MEMBER = "org.matrix.msc3401.call.member";

    @TempDir
    Path dir;
    TestServer hs;
    User alice;
    User bob;
    String room;
    String aliceKey;

    @BeforeEach
    void start() throws Exception {
        hs = TestServer.start(dir);
        alice = hs.register("alice");
        bob = hs.register("bob");
        room = hs.createRoom(alice, Map.of("preset", "public_chat"));
        hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), bob.token(), Map.of());
        aliceKey = "_" + alice.userId() + "_" + alice.deviceId() + "_m.call";
    }

    @AfterEach
    void stop() {
        hs.close();
    }

    Resp delayedState(User u, String key, long delayMs, Object content) throws Exception {
        return hs.put("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/state/" + MEMBER + "/" + TestServer.enc(key)
                + "?org.matrix.msc4140.delay=" + delayMs, u.token(), content);
    }

    Resp delayedSend(User u, String txn, long delayMs, Object content) throws Exception {
        return hs.put("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/send/m.room.message/" + txn
                + "?org.matrix.msc4140.delay=" + delayMs, u.token(), content);
    }

    JsonNode memberState(String key) throws Exception {
        Resp r = hs.getState(alice, room, MEMBER, key);
        return r.status() == 200 ? r.body() : null;
    }

    /** Waits (bounded) until the state at {@code key} has {@code field}, or fails. */
    void awaitState(String key, String field, long maxMs) throws Exception {
        long deadline = System.currentTimeMillis() + maxMs;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = memberState(key);
            if (s != null && (field == null ? s.isEmpty() : s.has(field))) return;
            Thread.sleep(25);
        }
        throw new AssertionError("state " + key + " did not become " + field);
    }

    @Test
    void delayedLeaveFiresAfterDelayAndRestartPostponesIt() throws Exception {
        Resp join = hs.putState(alice, room, MEMBER, aliceKey, Map.of("application", "m.call", "call_id", ""));
        assertEquals(200, join.status());
        // a delay long enough that a loaded machine's scheduling jitter cannot fire it between restarts
        long delay = 1500;
        Resp scheduled = delayedState(alice, aliceKey, delay, Map.of());
        assertEquals(200, scheduled.status());
        String delayId = scheduled.text("delay_id");
        assertNotNull(delayId);
        assertFalse(scheduled.body().has("event_id"));

        JsonNode list = hs.get(U, alice.token()).body();
        assertEquals(1, list.path("delayed_events").size());
        assertEquals(delayId, list.path("delayed_events").get(0).path("delay_id").asText());
        assertEquals(0, hs.get(U, bob.token()).body().path("delayed_events").size(), "users never see each other's");

        // restart twice, 500 ms apart: past the original deadline it has still not fired
        long lastRestartSent = 0;
        for (int i = 0; i < 2; i++) {
            Thread.sleep(500);
            lastRestartSent = System.currentTimeMillis();
            assertEquals(200, hs.post(U + "/" + delayId + "/restart", alice.token(), Map.of()).status());
        }
        assertTrue(memberState(aliceKey).has("application"), "restart postponed the leave");
        awaitState(aliceKey, null, 5000);
        // the server resets the timer when it receives the restart, i.e. after lastRestartSent
        long sinceRestart = System.currentTimeMillis() - lastRestartSent;
        assertTrue(sinceRestart >= delay, "fired " + sinceRestart + " ms after the last restart, not before " + delay);
        assertEquals(0, hs.get(U, alice.token()).body().path("delayed_events").size());
        Resp restartAfter = hs.post(U + "/" + delayId + "/restart", alice.token(), Map.of());
        assertEquals(404, restartAfter.status());
        assertEquals("M_NOT_FOUND", restartAfter.errcode());
        assertEquals(200, hs.post(U + "/" + delayId + "/send", alice.token(), Map.of()).status(), "same outcome is idempotent");
    }

    @Test
    void cancelNeverSendsAndSendSendsNow() throws Exception {
        String cancelled = delayedSend(alice, "c1", 300, Map.of("body", "never")).text("delay_id");
        assertEquals(200, hs.post(U + "/" + cancelled + "/cancel", alice.token(), Map.of()).status());
        String sent = delayedSend(alice, "s1", 60_000, Map.of("body", "now")).text("delay_id");
        assertEquals(200, hs.post(U + "/" + sent + "/send", alice.token(), Map.of()).status());
        JsonNode s = hs.sync(bob, null, 0).body();
        assertTrue(TestServer.timelineHas(s, room, e -> "now".equals(e.path("content").path("body").asText())));
        Thread.sleep(600);
        JsonNode later = hs.sync(bob, null, 0).body();
        assertFalse(TestServer.timelineHas(later, room, e -> "never".equals(e.path("content").path("body").asText())));
        JsonNode mine = hs.sync(alice, null, 0).body();
        assertTrue(TestServer.timelineHas(mine, room, e -> sent.equals(e.path("unsigned").path("org.matrix.msc4140.delay_id").asText())),
                "the sender sees the delay id on the sent event");
        assertFalse(TestServer.timelineHas(later, room, e -> e.path("unsigned").has("org.matrix.msc4140.delay_id")),
                "others do not");
        JsonNode finalised = hs.get(U + "?status=finalised", alice.token()).body().path("finalised");
        assertEquals(2, finalised.size());
    }

    @Test
    void actionInBodyAndItsErrors() throws Exception {
        String id = delayedSend(alice, "b1", 60_000, Map.of("body", "b")).text("delay_id");
        assertEquals(200, hs.post(U + "/" + id, alice.token(), Map.of("action", "restart")).status());
        // unauthenticated (the delay id is the capability), as lk-jwt-service calls it
        assertEquals(200, hs.post(U + "/" + id, null, Map.of("action", "restart")).status());
        assertEquals(200, hs.post("/_matrix/client/v1/delayed_events/" + id + "/restart", null, Map.of()).status(), "stable v1 path");
        assertEquals("M_NOT_JSON", hs.post(U + "/" + id, alice.token(), "not json").errcode());
        assertEquals("M_NOT_JSON", hs.post(U + "/" + id, alice.token(), null).errcode());
        assertEquals("M_MISSING_PARAM", hs.post(U + "/" + id, alice.token(), Map.of()).errcode());
        assertEquals("M_INVALID_PARAM", hs.post(U + "/" + id, alice.token(), Map.of("action", "explode")).errcode());
        assertEquals("M_INVALID_PARAM", hs.post(U + "/" + id + "/explode", alice.token(), Map.of()).errcode());
        Resp unknown = hs.post(U + "/syd_doesnotexist/cancel", alice.token(), Map.of());
        assertEquals(404, unknown.status());
        assertEquals("M_NOT_FOUND", unknown.errcode());
        Resp foreign = hs.post(U + "/" + id + "/cancel", bob.token(), Map.of());
        assertEquals(404, foreign.status(), "another user's delay id is not found");
        assertEquals(1, hs.get(U, alice.token()).body().path("delayed_events").size(), "still scheduled");
    }

    @Test
    void maxDelayAndTxnIdempotency() throws Exception {
        Resp tooLong = delayedSend(alice, "m1", HomeserverConfig.DEFAULT_MAX_DELAY_MS + 1, Map.of("body", "x"));
        assertEquals(400, tooLong.status());
        assertEquals("M_UNKNOWN", tooLong.errcode());
        assertEquals("M_MAX_DELAY_EXCEEDED", tooLong.text("org.matrix.msc4140.errcode"));
        assertEquals(HomeserverConfig.DEFAULT_MAX_DELAY_MS, tooLong.body().path("org.matrix.msc4140.max_delay").asLong());
        assertEquals(0, hs.get(U, alice.token()).body().path("delayed_events").size());

        String first = delayedSend(alice, "same", 60_000, Map.of("body", "once")).text("delay_id");
        String second = delayedSend(alice, "same", 60_000, Map.of("body", "once")).text("delay_id");
        assertEquals(first, second);
        assertEquals(1, hs.get(U, alice.token()).body().path("delayed_events").size());
    }

    @Test
    void otherUsersStateCancelsButOwnDoesNot() throws Exception {
        // a shared key (no @ prefix) that both may write: power 0 for call.member events
        String shared = "m.call#shared";
        String own = delayedState(alice, shared, 60_000, Map.of("who", "alice-delayed")).text("delay_id");
        assertEquals(200, hs.putState(alice, room, MEMBER, shared, Map.of("who", "alice-now")).status());
        assertEquals(1, hs.get(U, alice.token()).body().path("delayed_events").size(), "own state does not cancel");
        assertEquals(200, hs.putState(bob, room, MEMBER, shared, Map.of("who", "bob")).status());
        assertEquals(0, hs.get(U, alice.token()).body().path("delayed_events").size(), "another user's state cancels");
        assertEquals(404, hs.post(U + "/" + own + "/send", alice.token(), Map.of()).status());
        assertEquals("bob", memberState(shared).path("who").asText());
    }

    @Test
    void spoofedDelayedStateIsRefused() throws Exception {
        Resp spoof = delayedState(bob, aliceKey, 300, Map.of());
        assertEquals(403, spoof.status());
        assertEquals(0, hs.get(U, bob.token()).body().path("delayed_events").size());
    }

    @Test
    void survivesRestartPendingStaysOverdueIsSent() throws Exception {
        hs.putState(alice, room, MEMBER, aliceKey, Map.of("application", "m.call"));
        String overdue = delayedState(alice, aliceKey, 300, Map.of()).text("delay_id");
        String pending = delayedSend(alice, "p1", 60_000, Map.of("body", "later")).text("delay_id");
        assertNotNull(overdue);
        // stop right away (before 300 ms pass), stay down past the delay
        hs.close();
        Thread.sleep(500);
        hs = TestServer.start(dir);
        awaitState(aliceKey, null, 3000);
        JsonNode list = hs.get(U, alice.token()).body().path("delayed_events");
        assertEquals(1, list.size(), "the pending one is still pending");
        assertEquals(pending, list.get(0).path("delay_id").asText());
        assertEquals(200, hs.post(U + "/" + pending + "/cancel", alice.token(), Map.of()).status());
        assertEquals(404, hs.post(U + "/" + overdue + "/restart", alice.token(), Map.of()).status());
    }
}
