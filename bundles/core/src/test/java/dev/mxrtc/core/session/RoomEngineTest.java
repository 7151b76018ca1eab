package dev.mxrtc.core.session;

import static dev.mxrtc.core.Events.joined;
import static dev.mxrtc.core.Events.legacy;
import static dev.mxrtc.core.Events.slot;
import static dev.mxrtc.core.Events.stickyJoin;
import static dev.mxrtc.core.Events.stickyLeave;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.core.Events;
import dev.mxrtc.core.parse.MembershipParser;
import dev.mxrtc.focus.selection.MultiSfu;
import dev.mxrtc.focus.selection.OldestMembership;

class RoomEngineTest {

    private static final SlotId ROOM = SlotId.ROOM_CALL;
    private final MembershipParser parser = new MembershipParser();
    private final RoomEngine engine = new RoomEngine(Events.ROOM,
            new Selections(List.of(new OldestMembership(), new MultiSfu())));

    private List<SlotDelta> apply(long now, RoomEvent... events) {
        for (RoomEvent e : events) {
            engine.apply(parser.parse(e), now);
        }
        return engine.drain();
    }

    private List<String> devices() {
        return engine.members(ROOM).stream().map(Member::deviceId).toList();
    }

    @Test
    void membersAreOldestFirstWithStickyBeforeStateOnTies() {
        apply(10_000, joined("@a:x"), joined("@b:x"), joined("@c:x"),
                legacy("@a:x", "LA", 3000, ""),
                legacy("@b:x", "LB", 1000, ""),
                stickyJoin("@c:x", "SC", "m-c", "m.call#ROOM", 3000, "https://c"),
                legacy("@c:x", "LC", 3000, ""));
        assertEquals(List.of("LB", "SC", "LA", "LC"), devices());
    }

    @Test
    void legacyStateKeepsItsFirstPositionOnReplacement() {
        apply(10_000, joined("@a:x"), joined("@b:x"), legacy("@a:x", "A", 1000, ""), legacy("@b:x", "B", 1000, ""));
        apply(10_000, legacy("@a:x", "A", 1000, "'expires':20000000"));
        assertEquals(List.of("A", "B"), devices(), "a re-sent state event keeps its map position");
    }

    @Test
    void activeTransportIsTheOldestMembersChoice() {
        apply(10_000, joined("@a:x"), joined("@b:x"),
                legacy("@a:x", "A", 2000, "'foci_preferred':[{'type':'livekit','livekit_service_url':'https://a'}]"),
                legacy("@b:x", "B", 1000, "'foci_preferred':[{'type':'livekit','livekit_service_url':'https://b'}]"));
        assertEquals(Optional.of(Transport.livekit("https://b", null)), engine.activeTransport(ROOM));
        List<SlotDelta> d = apply(10_000, Events.legacyLeave("@b:x", "B", 3000));
        assertEquals(Optional.of(Transport.livekit("https://b", null)), d.get(0).activeBefore());
        assertEquals(Optional.of(Transport.livekit("https://a", null)), d.get(0).activeAfter());
    }

    @Test
    void unknownFocusSelectionGivesNoTransport() {
        apply(10_000, joined("@a:x"), legacy("@a:x", "A", 1000,
                "'focus_active':{'type':'livekit','focus_selection':'round_robin'}"));
        assertEquals(1, engine.size(ROOM));
        assertEquals(Optional.empty(), engine.activeTransport(ROOM));
    }

    @Test
    void stickyMemberOfTheSameKeyWinsOverState() {
        RoomEvent state = Events.state("org.matrix.msc3401.call.member", "_@a:x_D_m.call", "@a:x", 1000,
                "{'application':'m.call','call_id':'','device_id':'D','focus_active':{'type':'livekit'}}");
        apply(10_000, joined("@a:x"), state);
        assertEquals(1, engine.size(ROOM));
        List<SlotDelta> d = apply(10_000, stickyLeave("@a:x", "_@a:x_D_m.call", 5000));
        assertEquals(0, engine.size(ROOM));
        assertTrue(d.get(0).ended());
        assertEquals("superseded", d.get(0).left().get(0).reason());
    }

    @Test
    void closedSlotRemovesStickyMembersOnlyAndReopeningRestoresThem() {
        apply(10_000, joined("@a:x"), joined("@b:x"), legacy("@a:x", "A", 1000, ""),
                stickyJoin("@b:x", "B", "m-b", "m.call#ROOM", 2000, "https://b"));
        assertEquals(List.of("A", "B"), devices());
        List<SlotDelta> d = apply(10_000, slot("m.call#ROOM", "closed", 3000));
        assertEquals(List.of("A"), devices());
        assertEquals("slot_closed", d.get(0).left().get(0).reason());
        apply(10_000, slot("m.call#ROOM", "open", 4000));
        assertEquals(List.of("A", "B"), devices());
    }

    @Test
    void roomMembershipGatesMembers() {
        apply(10_000, legacy("@a:x", "A", 1000, ""));
        assertEquals(0, engine.size(ROOM));
        apply(10_000, joined("@a:x"));
        assertEquals(1, engine.size(ROOM));
        List<SlotDelta> d = apply(10_000, Events.left("@a:x"));
        assertEquals("sender_not_joined", d.get(0).left().get(0).reason());
    }

    @Test
    void expiryIsReevaluatedAtTheSoonestDeadline() {
        apply(1_000, joined("@a:x"), joined("@b:x"), legacy("@a:x", "A", 1000, "'expires':5000"),
                stickyJoin("@b:x", "B", "m-b", "m.call#ROOM", 1000, "https://b"));
        assertEquals(6_000, engine.nextDeadline().getAsLong());
        engine.advance(5_999);
        assertEquals(2, engine.size(ROOM));
        engine.advance(6_000);
        List<SlotDelta> d = engine.drain();
        assertEquals(List.of("B"), devices());
        assertEquals("expired", d.get(0).left().get(0).reason());
        assertEquals(1_000 + 3_600_000, engine.nextDeadline().getAsLong());
        engine.advance(1_000 + 3_600_000);
        assertTrue(engine.drain().get(0).ended());
        assertTrue(engine.state().sticky().isEmpty(), "expired sticky events leave the map");
    }

    @Test
    void newestStickyEventWinsAndAnOlderOneIsSuperseded() {
        apply(10_000, joined("@a:x"), stickyJoin("@a:x", "A", "k", "m.call#ROOM", 5000, "https://new"));
        RoomEvent older = stickyJoin("@a:x", "A", "k", "m.call#ROOM", 4000, "https://old");
        assertEquals(new RoomEngine.Outcome.Rejected("superseded", "a newer sticky event holds this key"),
                engine.apply(parser.parse(older), 10_000));
        assertEquals(Optional.of(Transport.livekit("https://new", null)), engine.drain().isEmpty()
                ? engine.activeTransport(ROOM) : engine.activeTransport(ROOM));
    }

    @Test
    void rejoinWithANewMemberIdIsALeaveAndAJoin() {
        apply(10_000, joined("@a:x"), legacy("@a:x", "A", 1000, "'membershipID':'one'"));
        List<SlotDelta> d = apply(10_000, legacy("@a:x", "A", 2000, "'membershipID':'two'"));
        assertEquals("rejoined", d.get(0).left().get(0).reason());
        assertEquals("two", d.get(0).joined().get(0).memberId());
        List<SlotDelta> u = apply(10_000, legacy("@a:x", "A", 2000, "'membershipID':'two','expires':99999999"));
        assertEquals(1, u.get(0).updated().size());
    }
}
