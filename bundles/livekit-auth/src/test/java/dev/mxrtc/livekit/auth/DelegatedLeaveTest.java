package dev.mxrtc.livekit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.livekit.auth.DelayedLeave.Key;
import dev.mxrtc.livekit.auth.DelayedLeave.State;
import dev.mxrtc.livekit.auth.TestWorld.Resp;
import dev.mxrtc.livekit.auth.TestWorld.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegated delayed leave against the real homeserver's MSC4140 delayed events: the service keeps a dead client's
 * membership alive while the SFU reports it connected and ends it at once when the SFU reports the disconnect (the
 * webhooks signed as LiveKit signs them); the sanity sweep catches a missed webhook.
 */
@Timeout(60)
class DelegatedLeaveTest {
    static final Duration SWEEP = Duration.ofMillis(500);
    @TempDir
    static Path dir;
    static TestWorld world;
    static User owner;
    static String room;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir, SWEEP);
        owner = TestWorld.register(world.baseA, "owner");
        room = TestWorld.createRoom(owner);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        LogCheck.assertNoSecrets(TestWorld.SECRET);
    }

    static User member(String name) throws Exception {
        User u = TestWorld.register(world.baseA, name);
        TestWorld.join(u, room);
        return u;
    }

    static Key key(User u, String memberId) {
        return new Key(LiveKitNames.roomAlias(room, "m.call#ROOM"), LiveKitNames.identity(u.userId(), u.deviceId(), memberId));
    }

    static Resp delegate(String path, User u, String memberId, String delayId, long timeoutMs) throws Exception {
        ObjectNode body = TestWorld.tokenRequest(TestWorld.openId(u), room, memberId, u).put("delay_id", delayId)
                .put("delay_timeout", timeoutMs);
        LogCheck.remember(body.path("openid_token").path("access_token").asText());
        LogCheck.remember(delayId);
        Resp r = world.service("POST", path, body.toString());
        assertEquals(200, r.status(), r.raw().body());
        return r;
    }

    /** Polls every 5 ms until the condition holds; answers the elapsed milliseconds. */
    static long until(String what, long limitMs, Callable<Boolean> condition) throws Exception {
        long start = System.nanoTime();
        while (!condition.call()) {
            if ((System.nanoTime() - start) / 1_000_000 > limitMs) throw new AssertionError("timed out: " + what);
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void disconnectWebhookEndsTheCallAtOnceWhileTheUndelegatedMemberWaitsForTheTimeout() throws Exception {
        long delay = 3000;
        User alice = member("alice");
        User bob = member("bob");
        Key k = key(alice, "alice-member");
        String aliceDelay = TestWorld.joinCall(alice, room, delay);
        delegate("/get_token", alice, "alice-member", aliceDelay, delay);
        world.sfu.connect(k.roomAlias(), k.identity());
        assertEquals(200, world.webhook("participant_joined", k.roomAlias(), k.identity(), null).status());
        TestWorld.joinCall(bob, room, delay); // bob: the same delayed leave, not delegated
        long died = System.nanoTime(); // neither client restarts its delayed leave from here on
        until("delegation connected", 5000, () -> world.auth.delayedLeave().state(k).equals(Optional.of(State.CONNECTED)));

        long bobGone = until("bob's leave by timeout", 10_000, () -> !TestWorld.inCall(bob, room));
        long bobMs = (System.nanoTime() - died) / 1_000_000;
        Thread.sleep(1500); // now well past alice's own delay too
        assertTrue(TestWorld.inCall(alice, room), "the service restarted alice's delayed leave while she was connected");
        assertTrue(bobGone >= 0 && bobMs >= delay - 100, "bob left by his timeout, not earlier: " + bobMs);

        world.sfu.disconnect(k.roomAlias(), k.identity());
        long hook = System.nanoTime();
        assertEquals(200, world.webhook("participant_left", k.roomAlias(), k.identity(), "CONNECTION_TIMEOUT").status());
        until("alice's delegated leave", 5000, () -> !TestWorld.inCall(alice, room));
        long aliceMs = (System.nanoTime() - hook) / 1_000_000;
        System.out.printf("delegated leave: membership gone %d ms after the disconnect webhook; "
                + "without delegation: %d ms after the client died (delay %d ms)%n", aliceMs, bobMs, delay);
        assertTrue(aliceMs < 1000, "gone within 1 s of the webhook: " + aliceMs + " ms");
        until("delegation finished", 2000, () -> world.auth.delayedLeave().state(k).isEmpty());
    }

    @Test
    void sanitySweepCatchesAMissedWebhook() throws Exception {
        long delay = 20_000;
        User carol = member("carol");
        Key k = key(carol, "carol-member");
        String delayId = TestWorld.joinCall(carol, room, delay);
        world.sfu.connect(k.roomAlias(), k.identity());
        delegate("/get_token", carol, "carol-member", delayId, delay);
        // no joined webhook: the service's own room-service lookup finds her
        until("delegation connected by lookup", 5000, () -> world.auth.delayedLeave().state(k).equals(Optional.of(State.CONNECTED)));
        world.sfu.disconnect(k.roomAlias(), k.identity()); // ... and the SFU's left webhook never arrives
        long gone = until("carol's leave by the sweep", 5000, () -> !TestWorld.inCall(carol, room));
        System.out.printf("sanity sweep (every %d ms): membership gone %d ms after the participant vanished, "
                + "without a webhook (delay %d ms)%n", SWEEP.toMillis(), gone, delay);
        assertTrue(gone < SWEEP.toMillis() * 2 + 1000, "caught by the sweep: " + gone + " ms");
    }

    @Test
    void delegateDelayedLeaveForAnAlreadyConnectedMember() throws Exception {
        long delay = 20_000;
        User dave = member("dave");
        Key k = key(dave, "dave-member");
        world.sfu.connect(k.roomAlias(), k.identity()); // connected before delegating: the joined webhook is long gone
        String delayId = TestWorld.joinCall(dave, room, delay);
        Resp r = delegate("/delegate_delayed_leave", dave, "dave-member", delayId, delay);
        assertEquals(0, r.json().size(), "answers {}");
        until("delegation connected", 5000, () -> world.auth.delayedLeave().state(k).equals(Optional.of(State.CONNECTED)));
        world.sfu.disconnect(k.roomAlias(), k.identity());
        long hook = System.nanoTime();
        world.webhook("participant_left", k.roomAlias(), k.identity(), "CLIENT_INITIATED");
        until("dave's delegated leave", 5000, () -> !TestWorld.inCall(dave, room));
        long ms = (System.nanoTime() - hook) / 1_000_000;
        assertTrue(ms < 1000, "gone within 1 s: " + ms);
    }

    @Test
    void aNewDelayIdSupersedesTheOld() throws Exception {
        long delay = 20_000;
        User erin = member("erin");
        Key k = key(erin, "erin-member");
        world.sfu.connect(k.roomAlias(), k.identity());
        String first = TestWorld.joinCall(erin, room, delay);
        delegate("/get_token", erin, "erin-member", first, delay);
        until("first delegation connected", 5000, () -> world.auth.delayedLeave().state(k).equals(Optional.of(State.CONNECTED)));
        String second = TestWorld.joinCall(erin, room, delay); // the client re-joins with a new delayed leave
        delegate("/get_token", erin, "erin-member", second, delay);
        until("second delegation connected", 5000, () -> world.auth.delayedLeave().state(k).equals(Optional.of(State.CONNECTED)));
        world.sfu.disconnect(k.roomAlias(), k.identity());
        world.webhook("participant_left", k.roomAlias(), k.identity(), "SIGNAL_CLOSE");
        until("erin's delegated leave", 5000, () -> !TestWorld.inCall(erin, room));
        assertTrue(delayed(erin, second).has("event_id"), "the current delay id was sent");
        JsonNode old = delayed(erin, first);
        assertFalse(old.has("finalised_ts"), "the superseded one was left alone: " + old);
    }

    static JsonNode delayed(User u, String delayId) throws Exception {
        Resp r = TestWorld.call("GET", u.base() + "/_matrix/client/unstable/org.matrix.msc4140/delayed_events/" + delayId,
                u.token(), null, Map.of());
        assertEquals(200, r.status(), r.raw().body());
        return r.json();
    }
}
