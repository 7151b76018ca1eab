package dev.mxrtc.focus.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/**
 * The runtime's decisions, driven by hand: a {@link ManualActor} (no sleeping) and {@link FakeBackend}s, which are
 * test doubles of the FocusBackend SPI (see there why). Orderings are checked on one shared call log.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FocusRuntimeTest {

    private static final String ROOM = "!room:hs";
    private static final Transport MESH = new Transport(Transport.FULL_MESH, Map.of("signalling", "to_device"));
    private static final Transport LK = Transport.livekit("https://rtc.example.org/livekit/jwt", null);
    private static final FocusRuntime.Timing TIMING = new FocusRuntime.Timing(5_000, 1_000, 8_000);

    private final List<String> log = new ArrayList<>();
    private final ManualActor actor = new ManualActor();
    private final FocusRuntime runtime = new FocusRuntime(actor, TIMING);
    private final FakeBackend mesh = new FakeBackend("mesh", Transport.FULL_MESH, log);
    private final FakeBackend lk = new FakeBackend("lk", Transport.LIVEKIT, log);

    private final Member bot = legacy("@bot:hs", "BOT", "m-bot", 1, MESH);
    private final Member alice = legacy("@alice:hs", "ALICE", "m-alice", 2, MESH);

    @BeforeEach
    void localAccount() {
        runtime.localDevices(() -> Set.of(new LocalDevice("@bot:hs", Optional.of("BOT"))));
    }

    @Test
    void connectsOnJoinForwardsEverySessionChangeAndClosesOnLeave() {
        runtime.backendAdded(mesh.ref(1, 0));
        Session s1 = session(MESH, bot);
        runtime.sessionEvent(new SessionEvent.MemberJoined(s1, bot));
        actor.runAll();
        assertEquals(List.of("connect mesh m-bot full_mesh", "connected mesh m-bot"), log);
        assertEquals(List.of(s1), mesh.connections.get(0).sessions, "connect gets the session it was called for");

        Session s2 = session(MESH, bot, alice);
        runtime.sessionEvent(new SessionEvent.MemberJoined(s2, alice));
        Member aliceAgain = legacy("@alice:hs", "ALICE", "m-alice", 2, LK);
        Session s3 = session(MESH, bot, aliceAgain);
        runtime.sessionEvent(new SessionEvent.MemberUpdated(s3, alice, aliceAgain));
        actor.runAll();
        assertEquals(List.of(s1, s2, s3), mesh.connections.get(0).sessions);
        assertEquals(1, mesh.connections.size(), "the remote member is never connected by this runtime");

        Session s4 = session(MESH, aliceAgain);
        runtime.sessionEvent(new SessionEvent.MemberLeft(s4, bot, "leave"));
        actor.runAll();
        assertTrue(mesh.connections.get(0).closed);
        assertEquals("closed mesh m-bot", last());
    }

    @Test
    void sameUserOnAnotherDeviceIsNotLocal() {
        runtime.backendAdded(mesh.ref(1, 0));
        Member otherDevice = legacy("@bot:hs", "PHONE", "m-phone", 1, MESH);
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, otherDevice), otherDevice));
        actor.runAll();
        assertEquals(List.of(), log);
    }

    @Test
    void sessionEndedClosesTheConnection() {
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        runtime.sessionEvent(new SessionEvent.SessionEnded(session(MESH, bot), 99));
        actor.runAll();
        assertEquals(List.of("connect mesh m-bot full_mesh", "connected mesh m-bot", "closed mesh m-bot"), log);
    }

    @Test
    void transportChangeConnectsTheNewBeforeClosingTheOld() {
        botOnMeshWithLivekitAvailable();
        lk.hold = true;

        Session moved = session(LK, bot);
        runtime.sessionEvent(new SessionEvent.ActiveTransportChanged(moved, Optional.of(MESH), Optional.of(LK)));
        actor.runAll();
        assertEquals("connect lk m-bot livekit", last());
        assertFalse(mesh.connections.get(0).closed, "the old connection stays while the new one connects");

        Session withAlice = session(LK, bot, alice);
        runtime.sessionEvent(new SessionEvent.MemberJoined(withAlice, alice));
        actor.runAll();
        assertEquals(withAlice, lastOf(mesh.connections.get(0).sessions), "the live one still gets changes");

        lk.completeNext();
        actor.runAll();
        int connected = log.indexOf("connected lk m-bot");
        int closed = log.indexOf("closed mesh m-bot");
        assertTrue(connected >= 0 && closed > connected, "new connected before old closed: " + log);
        assertEquals(withAlice, lastOf(lk.connections.get(0).sessions),
                "a connection that completes after the session moved gets the latest session");
    }

    @Test
    void failedNewConnectKeepsTheOldAndRetries() {
        botOnMeshWithLivekitAvailable();
        lk.hold = true;
        activeTransportMovesToLivekit();
        actor.runAll();
        lk.failNext("sfu down");
        actor.runAll();
        assertFalse(mesh.connections.get(0).closed, "a failed move keeps the old connection");

        actor.advance(999);
        assertEquals(1, count("connect lk"), "no retry before the backoff");
        actor.advance(1);
        assertEquals(2, count("connect lk"), "retried after the backoff");
        lk.failNext("still down");
        actor.advance(1_999);
        assertEquals(2, count("connect lk"), "the backoff doubled");
        actor.advance(1);
        assertEquals(3, count("connect lk"));
        lk.completeNext();
        actor.runAll();
        assertTrue(log.indexOf("closed mesh m-bot") > log.indexOf("connected lk m-bot"), log.toString());
    }

    @Test
    void connectThatThrowsKeepsTheOld() {
        botOnMeshWithLivekitAvailable();
        lk.throwOnConnect = new IllegalStateException("bug");
        activeTransportMovesToLivekit();
        actor.runAll();
        assertFalse(mesh.connections.get(0).closed);
        lk.throwOnConnect = null;
        actor.advance(1_000);
        assertTrue(mesh.connections.get(0).closed);
        assertEquals(1, lk.connections.size());
    }

    @Test
    void timedOutConnectKeepsTheOldAndALateConnectionIsClosed() {
        botOnMeshWithLivekitAvailable();
        lk.hold = true;
        activeTransportMovesToLivekit();
        actor.advance(5_000);
        assertFalse(mesh.connections.get(0).closed, "timed out: the old one stays");

        lk.completeNext(); // the first, timed-out stage completes late
        actor.runAll();
        assertTrue(lk.connections.get(0).closed, "a late connection of an abandoned attempt is closed");
        assertFalse(mesh.connections.get(0).closed);

        actor.advance(1_000); // retry
        lk.completeNext();
        actor.runAll();
        assertFalse(lk.connections.get(1).closed);
        assertTrue(mesh.connections.get(0).closed);
    }

    @Test
    void higherRankedBackendTakesOverMakeBeforeBreak() {
        FakeBackend mesh2 = new FakeBackend("mesh2", Transport.FULL_MESH, log);
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        actor.runAll();
        mesh2.hold = true;
        runtime.backendAdded(mesh2.ref(7, 10));
        actor.runAll();
        assertEquals("connect mesh2 m-bot full_mesh", last());
        mesh2.completeNext();
        actor.runAll();
        assertTrue(log.indexOf("closed mesh m-bot") > log.indexOf("connected mesh2 m-bot"), log.toString());

        FakeBackend lower = new FakeBackend("lower", Transport.FULL_MESH, log);
        runtime.backendAdded(lower.ref(9, -5));
        actor.runAll();
        assertEquals(0, count("connect lower"), "a lower-ranked backend changes nothing");
    }

    @Test
    void rankingUpdateMovesWithoutClosingFirst() {
        FakeBackend mesh2 = new FakeBackend("mesh2", Transport.FULL_MESH, log);
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.backendAdded(mesh2.ref(2, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        actor.runAll();
        assertEquals(1, count("connect mesh "), "equal ranking: the oldest service id wins");
        runtime.backendUpdated(mesh2.ref(2, 5));
        actor.runAll();
        assertTrue(log.indexOf("closed mesh m-bot") > log.indexOf("connected mesh2 m-bot"), log.toString());
    }

    @Test
    void removedBackendWithAReplacementMovesMakeBeforeBreak() {
        // a bundle update: the new service registers, then the old one goes
        FakeBackend updated = new FakeBackend("updated", Transport.FULL_MESH, log);
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        actor.runAll();
        updated.hold = true;
        runtime.backendAdded(updated.ref(3, 0));
        actor.runAll();
        assertEquals(0, count("connect updated"), "an equal-ranked newer service is not preferred");
        runtime.backendRemoved(1);
        actor.runAll();
        assertEquals("connect updated m-bot full_mesh", last());
        assertFalse(mesh.connections.get(0).closed, "the old connection stays until the replacement is up");
        updated.completeNext();
        actor.runAll();
        assertTrue(log.indexOf("closed mesh m-bot") > log.indexOf("connected updated m-bot"), log.toString());
    }

    @Test
    void removedBackendWithoutReplacementClosesAndReconnectsWhenOneAppears() {
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        actor.runAll();
        runtime.backendRemoved(1);
        actor.runAll();
        assertEquals("closed mesh m-bot", last());

        FakeBackend again = new FakeBackend("again", Transport.FULL_MESH, log);
        runtime.backendAdded(again.ref(4, 0));
        actor.runAll();
        assertEquals(List.of("connect again m-bot full_mesh", "connected again m-bot"), log.subList(log.size() - 2,
                log.size()));
    }

    @Test
    void stickyMemberUsesItsOwnFirstTransport() {
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.backendAdded(lk.ref(2, 0));
        Member sticky = new Member(ROOM, SlotId.ROOM_CALL, "@bot:hs", "BOT", "m-sticky", Application.of("m.call"),
                List.of(LK, MESH), List.of(Transport.LIVEKIT), Optional.empty(), 3, 10_000, MemberFormat.STICKY,
                "key", "$e");
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, alice, sticky), sticky));
        actor.runAll();
        assertEquals(List.of("connect lk m-sticky livekit", "connected lk m-sticky"), log);
    }

    @Test
    void stickyMemberWhoseFirstTransportNamesTheSelectionFollowsTheSession() {
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.backendAdded(lk.ref(2, 0));
        Transport fmil = new Transport(Transport.FULL_MESH_INTO_LIVEKIT, Map.of());
        Member sticky = new Member(ROOM, SlotId.ROOM_CALL, "@bot:hs", "BOT", "m-sticky", Application.of("m.call"),
                List.of(fmil, MESH, LK), List.of(), Optional.empty(), 3, 10_000, MemberFormat.STICKY, "key", "$e");
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, sticky), sticky));
        actor.runAll();
        assertEquals(List.of("connect mesh m-sticky full_mesh", "connected mesh m-sticky"), log);
        runtime.sessionEvent(new SessionEvent.ActiveTransportChanged(session(LK, sticky),
                Optional.of(MESH), Optional.of(LK)));
        actor.runAll();
        assertTrue(log.contains("connect lk m-sticky livekit"), "moves with the session's active transport: " + log);
    }

    @Test
    void stickyFirstTransportNamingARegisteredSelectionFollowsTheSessionOnlyWhileItIsRegistered() {
        FakeBackend other = new FakeBackend("other", "fancy", log);
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.backendAdded(other.ref(2, 0));
        Transport fancy = new Transport("fancy", Map.of());
        Member sticky = new Member(ROOM, SlotId.ROOM_CALL, "@bot:hs", "BOT", "m-sticky", Application.of("m.call"),
                List.of(fancy, MESH), List.of(), Optional.empty(), 3, 10_000, MemberFormat.STICKY, "key", "$e");
        runtime.selectionAdded(7, "fancy");
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, sticky), sticky));
        actor.runAll();
        assertEquals(List.of("connect mesh m-sticky full_mesh", "connected mesh m-sticky"), log);
        runtime.selectionRemoved(7);
        actor.runAll();
        assertTrue(log.contains("connect other m-sticky fancy"), "without the algorithm, the type is a transport: " + log);
    }

    @Test
    void sessionSeenBeforeTheAccountIsConnectedOnceTheAccountAppears() {
        runtime.localDevices(Set::of);
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.seed(List.of(session(MESH, bot)));
        actor.runAll();
        assertEquals(List.of(), log);
        runtime.localDevices(() -> Set.of(new LocalDevice("@bot:hs", Optional.empty())));
        actor.runAll();
        assertEquals(List.of("connect mesh m-bot full_mesh", "connected mesh m-bot"), log);
    }

    @Test
    void memberLeavingWhileConnectingClosesTheLateConnection() {
        mesh.hold = true;
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        runtime.sessionEvent(new SessionEvent.MemberLeft(session(MESH, alice), bot, "leave"));
        actor.runAll();
        mesh.completeNext();
        actor.runAll();
        assertTrue(mesh.connections.get(0).closed);
        assertEquals(0, actor.pendingTimers(), "no timeout or retry left behind");
    }

    @Test
    void transportChangeDuringTheFirstConnectSupersedesIt() {
        mesh.hold = true;
        botOnMeshWithLivekitAvailable();
        activeTransportMovesToLivekit();
        actor.runAll();
        assertEquals("connected lk m-bot", last());
        mesh.completeNext();
        actor.runAll();
        assertTrue(mesh.connections.get(0).closed, "the superseded stage's connection is closed when it arrives");
        assertFalse(lk.connections.get(0).closed);
    }

    @Test
    void stopClosesEveryConnection() {
        runtime.backendAdded(mesh.ref(1, 0));
        Member bot2 = legacy("@bot:hs", "BOT", "m-bot-2", 5, MESH);
        Session other = new Session(ROOM, SlotId.of("m.call", "other"), List.of(bot2), 5, Optional.of(MESH));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        runtime.sessionEvent(new SessionEvent.MemberJoined(other, bot2));
        actor.runAll();
        var stopped = runtime.stop().toCompletableFuture();
        actor.runAll();
        assertTrue(stopped.isDone());
        assertEquals(2, count("closed mesh"));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        actor.runAll();
        assertEquals(2, count("connect mesh"), "nothing connects after stop");
    }

    // ---- fixtures ----

    private static Member legacy(String user, String device, String memberId, long createdTs, Transport preferred) {
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, memberId, Application.of("m.call"),
                List.of(preferred), List.of(), Optional.of(new FocusActive(preferred.type(),
                        FocusActive.OLDEST_MEMBERSHIP)), createdTs, createdTs + 14_400_000, MemberFormat.LEGACY,
                "_" + user + "_" + device + "_m.call", "$" + memberId);
    }

    private static Session session(Transport active, Member... members) {
        return new Session(ROOM, SlotId.ROOM_CALL, List.of(members), 1, Optional.of(active));
    }

    private String last() {
        return log.get(log.size() - 1);
    }

    private static <T> T lastOf(List<T> l) {
        return l.get(l.size() - 1);
    }

    private long count(String prefix) {
        return log.stream().filter(s -> s.startsWith(prefix)).count();
    }

    /** Both backends registered; the bot joins a session whose active transport is the mesh and connects there. */
    private void botOnMeshWithLivekitAvailable() {
        runtime.backendAdded(mesh.ref(1, 0));
        runtime.backendAdded(lk.ref(2, 0));
        runtime.sessionEvent(new SessionEvent.MemberJoined(session(MESH, bot), bot));
        actor.runAll();
    }

    private void activeTransportMovesToLivekit() {
        runtime.sessionEvent(new SessionEvent.ActiveTransportChanged(session(LK, bot), Optional.of(MESH),
                Optional.of(LK)));
    }
}
