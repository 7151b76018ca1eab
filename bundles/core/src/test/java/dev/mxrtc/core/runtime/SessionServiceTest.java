package dev.mxrtc.core.runtime;

import static dev.mxrtc.core.Events.joined;
import static dev.mxrtc.core.Events.legacy;
import static dev.mxrtc.core.Events.stickyJoin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.core.Events;
import dev.mxrtc.focus.selection.MultiSfu;
import dev.mxrtc.focus.selection.OldestMembership;

/** The service with a direct (same-thread) actor and hand-driven time: every effect is visible on return. */
@Timeout(10)
class SessionServiceTest {

    private static final long T0 = 1_767_000_000_000L;
    private final ManualTime time = new ManualTime(T0);
    private final SessionService service = new SessionService(time, Runnable::run, time, 16);
    private final List<SessionEvent> seen = new ArrayList<>();
    private final OldestMembership oldest = new OldestMembership();

    SessionServiceTest() {
        service.addSelection(oldest);
        service.addSelection(new MultiSfu());
        service.addListener(seen::add, null);
    }

    private void send(RoomEvent... events) {
        service.onRoomEvents(Events.ROOM, List.of(events));
    }

    private List<String> kinds() {
        List<String> out = seen.stream().map(e -> e.getClass().getSimpleName()).toList();
        seen.clear();
        return out;
    }

    @Test
    void sessionLifecycleEventsInOrder() {
        send(joined("@a:x"), joined("@b:x"), legacy("@a:x", "A", T0, "'expires':60000"));
        assertEquals(List.of("SessionStarted", "MemberJoined"), kinds());
        assertEquals(Optional.of(Transport.livekit("https://sfu.example.org", null)),
                service.session(Events.ROOM, SlotId.ROOM_CALL).orElseThrow().activeTransport());

        send(stickyJoin("@b:x", "B", "m-b", "m.call#ROOM", T0 + 1, "https://b"));
        assertEquals(List.of("MemberJoined"), kinds());
        assertEquals(2, service.sessions(Events.ROOM).get(0).members().size());

        send(legacy("@a:x", "A", T0, "'expires':120000"));
        assertEquals(List.of("MemberUpdated"), kinds());

        send(Events.legacyLeave("@a:x", "A", T0 + 10));
        assertEquals(List.of("MemberLeft", "ActiveTransportChanged"), kinds());

        send(Events.stickyLeave("@b:x", "m-b", T0 + 20));
        List<SessionEvent> last = new ArrayList<>(seen);
        assertEquals(List.of("MemberLeft", "SessionEnded"), kinds());
        assertEquals(1, last.get(1).session().members().size(), "an ended session is reported as it was");
        assertTrue(service.rooms().isEmpty());
        assertTrue(service.sessions(Events.ROOM).isEmpty());
    }

    @Test
    void expiryTimerEndsTheSessionWithoutSleeping() {
        send(joined("@a:x"), legacy("@a:x", "A", T0, "'expires':60000"));
        kinds();
        time.advance(59_999);
        assertEquals(List.of(), kinds());
        time.advance(1);
        SessionEvent.MemberLeft left = (SessionEvent.MemberLeft) seen.get(0);
        assertEquals("expired", left.reason());
        assertEquals(List.of("MemberLeft", "SessionEnded"), kinds());
        assertEquals(0, time.pending(), "no timer left once nothing can expire");
    }

    @Test
    void focusSelectionLeavingAndComingBackKeepsTheSession() {
        send(joined("@a:x"), legacy("@a:x", "A", T0, ""));
        kinds();
        service.removeSelection(oldest);
        assertEquals(List.of("ActiveTransportChanged"), kinds());
        var session = service.session(Events.ROOM, SlotId.ROOM_CALL).orElseThrow();
        assertEquals(1, session.members().size(), "the session survives");
        assertEquals(Optional.empty(), session.activeTransport());
        service.addSelection(new OldestMembership());
        List<SessionEvent> events = new ArrayList<>(seen);
        assertEquals(List.of("ActiveTransportChanged"), kinds());
        assertEquals(Optional.of(Transport.livekit("https://sfu.example.org", null)),
                ((SessionEvent.ActiveTransportChanged) events.get(0)).after());
    }

    @Test
    void badInputIsRejectedWithAReasonAndNeverThrows() {
        RoomEvent junk = Events.state("org.matrix.msc3401.call.member", "_@a:x_A", "@a:x", T0, "{not json");
        RoomEvent spoof = Events.state("org.matrix.msc3401.call.member", "_@b:x_B", "@a:x", T0, "{}");
        RoomEvent otherRoom = new RoomEvent("!other:x", "$o", "m.room.member", Optional.of("@a:x"), "@a:x", T0, "{}",
                java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), T0);
        service.onRoomEvents(Events.ROOM, java.util.Arrays.asList(junk, null, spoof, otherRoom, joined("@c:x"),
                legacy("@c:x", "C", T0, "")));
        service.onRoomEvents(null, null);
        assertEquals(List.of("not_json", "spoofed_state_key", "room_mismatch"),
                service.rejected(Events.ROOM).stream().map(r -> r.reason()).toList());
        assertEquals(1, service.sessions(Events.ROOM).get(0).members().size(), "good events still count");
    }

    @Test
    void listenersCanBeLimitedToOneRoomAndAFailingListenerHarmsNoOne() {
        List<SessionEvent> other = new ArrayList<>();
        service.addListener(other::add, "!other:x");
        service.addListener(e -> {
            throw new IllegalStateException("boom");
        }, null);
        send(joined("@a:x"), legacy("@a:x", "A", T0, ""));
        assertTrue(other.isEmpty());
        assertEquals(2, kinds().size());
    }

    @Test
    void leavingTheRoomEndsItsSessions() {
        send(joined("@a:x"), legacy("@a:x", "A", T0, ""));
        kinds();
        service.onRoomLeft(Events.ROOM);
        assertEquals(List.of("MemberLeft", "SessionEnded"), kinds());
        assertFalse(service.rooms().contains(Events.ROOM));
    }
}
