package dev.mxrtc.membership.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/** The wire contents against js-sdk 43's shapes (clients-today (a)). */
class MemberWireTest {

    private static final MemberWire.Join JOIN = new MemberWire.Join("m1",
            new Application("m.call", Map.of("m.call.intent", "video")),
            List.of(Transport.livekit("https://lk/jwt", null)), List.of("livekit"), 1_000, 14_400_000);

    @Test
    void legacyStateKeyAndContent() {
        var w = new MemberWire.Legacy("!r:hs", SlotId.ROOM_CALL, "@a:hs", "DEV", true);
        assertEquals("_@a:hs_DEV_m.call", w.stateKey());
        assertEquals("@a:hs_DEV_m.callx",
                new MemberWire.Legacy("!r:hs", SlotId.of("m.call", "x"), "@a:hs", "DEV", false).stateKey());
        var e = w.join(JOIN);
        var c = MemberWire.parse(e.contentJson());
        assertEquals("m.call", c.get("application"));
        assertEquals("", c.get("call_id"));
        assertEquals("m.room", c.get("scope"));
        assertEquals("DEV", c.get("device_id"));
        assertEquals("m1", c.get("membershipID"));
        assertEquals("video", c.get("m.call.intent"));
        assertEquals(14_400_000, ((Number) c.get("expires")).longValue());
        assertEquals(1_000, ((Number) c.get("created_ts")).longValue());
        assertEquals(Map.of("type", "livekit", "focus_selection", "oldest_membership"), c.get("focus_active"));
        assertEquals(List.of(Map.of("type", "livekit", "livekit_service_url", "https://lk/jwt")), c.get("foci_preferred"));
        var leave = w.delayedLeave("m1", 8_000);
        assertEquals("{}", leave.contentJson());
        assertEquals(8_000, leave.delayMs().getAsLong());
        assertEquals(Optional.of("_@a:hs_DEV_m.call"), leave.stateKey());
    }

    @Test
    void stickyContentAndDelayedLeave() {
        var w = new MemberWire.Sticky("!r:hs", SlotId.ROOM_CALL, "@a:hs", "DEV", MemberWire.STICKY_UNSTABLE_TYPE,
                3_600_000);
        var e = w.join(JOIN);
        assertEquals(3_600_000, e.stickyDurationMs().getAsLong());
        assertFalse(e.delayMs().isPresent());
        var c = MemberWire.parse(e.contentJson());
        assertEquals("m.call#ROOM", c.get("slot_id"));
        assertEquals(Map.of("type", "m.call", "m.call.intent", "video"), c.get("application"));
        assertEquals(Map.of("published", List.of(Map.of("type", "livekit", "livekit_service_url", "https://lk/jwt")),
                "can_subscribe", List.of("livekit")), c.get("transports"));
        assertEquals(Map.of("device_id", "DEV", "user_id", "@a:hs", "id", "m1"), c.get("member"));
        assertEquals(List.of(), c.get("versions"));
        assertEquals("m1", c.get("msc4354_sticky_key"));
        var leave = w.delayedLeave("m1", 8_000);
        assertEquals(Map.of("slot_id", "m.call#ROOM", "msc4354_sticky_key", "m1"), MemberWire.parse(leave.contentJson()));
        assertTrue(leave.stickyDurationMs().isPresent() && leave.delayMs().getAsLong() == 8_000);
        var stable = new MemberWire.Sticky("!r:hs", SlotId.ROOM_CALL, "@a:hs", "DEV", MemberWire.STICKY_STABLE_TYPE,
                60_000).join(JOIN);
        assertEquals("m.rtc.member", stable.type());
        assertEquals("m1", MemberWire.parse(stable.contentJson()).get("sticky_key"));
    }

    @Test
    void ownedStateRoomVersionsDropTheUnderscore() {
        assertTrue(MemberWire.ownedStateRoomVersion(Optional.of("org.matrix.msc3757.10")));
        assertFalse(MemberWire.ownedStateRoomVersion(Optional.of("10")));
        assertFalse(MemberWire.ownedStateRoomVersion(Optional.empty()));
    }
}
