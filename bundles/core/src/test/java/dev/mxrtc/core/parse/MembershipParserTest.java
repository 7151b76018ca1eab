package dev.mxrtc.core.parse;

import static dev.mxrtc.core.Events.legacy;
import static dev.mxrtc.core.Events.state;
import static dev.mxrtc.core.Events.sticky;
import static dev.mxrtc.core.Events.stickyJoin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.core.Events;

class MembershipParserTest {

    private final MembershipParser parser = new MembershipParser();

    private Member legacyMember(RoomEvent e) {
        var l = assertInstanceOf(ParsedEvent.LegacyMembership.class, parser.parse(e));
        return assertInstanceOf(MemberContent.Joined.class, l.content()).member();
    }

    private String legacyInvalid(RoomEvent e) {
        var l = assertInstanceOf(ParsedEvent.LegacyMembership.class, parser.parse(e));
        return assertInstanceOf(MemberContent.Invalid.class, l.content()).reason();
    }

    private String rejected(RoomEvent e) {
        return assertInstanceOf(ParsedEvent.Rejected.class, parser.parse(e)).reason();
    }

    @Test
    void legacyMembershipGetsJsSdkComputedFields() {
        Member m = legacyMember(legacy("@alice:example.org", "DEV", 1000, "'m.call.intent':'video','x.custom':[1,2]"));
        assertEquals(SlotId.ROOM_CALL, m.slotId());
        assertEquals("@alice:example.org:DEV", m.memberId());
        assertEquals(1000, m.createdTs());
        assertEquals(1000 + 14_400_000, m.expiresTs());
        assertEquals(MemberFormat.LEGACY, m.format());
        assertEquals(Optional.of(new FocusActive("livekit", "oldest_membership")), m.focusActive());
        assertEquals("video", m.application().fields().get("m.call.intent"));
        assertEquals(java.util.List.of(1L, 2L), m.application().fields().get("x.custom"), "unknown fields are kept");
        assertEquals("https://sfu.example.org", m.transports().get(0).stringField("livekit_service_url").orElseThrow());
    }

    @Test
    void legacyCreatedTsExpiresAndMembershipIdOverrideDefaults() {
        Member m = legacyMember(legacy("@a:x", "D", 5000, "'created_ts':100,'expires':50,'membershipID':'uuid-1'"));
        assertEquals(100, m.createdTs());
        assertEquals(150, m.expiresTs());
        assertEquals("uuid-1", m.memberId());
    }

    @Test
    void legacyWrongTypesAreRejectedWithTheField() {
        assertEquals("wrong_type:created_ts", legacyInvalid(legacy("@a:x", "D", 1, "'created_ts':'1'")));
        assertEquals("wrong_type:expires", legacyInvalid(legacy("@a:x", "D", 1, "'expires':'1'")));
        assertEquals("wrong_type:membershipID", legacyInvalid(legacy("@a:x", "D", 1, "'membershipID':5")));
        assertEquals("wrong_type:scope", legacyInvalid(legacy("@a:x", "D", 1, "'scope':1")));
        assertEquals("missing_field:device_id", legacyInvalid(state("org.matrix.msc3401.call.member",
                "_@a:x_D_m.call", "@a:x", 1, "{'application':'m.call','call_id':'','focus_active':{'type':'livekit'}}")));
    }

    @Test
    void legacyLeaveShapesAndDeprecatedShapes() {
        var empty = (ParsedEvent.LegacyMembership) parser.parse(Events.legacyLeave("@a:x", "D", 1));
        assertInstanceOf(MemberContent.Left.class, empty.content());
        var noApp = (ParsedEvent.LegacyMembership) parser.parse(
                state("org.matrix.msc3401.call.member", "_@a:x_D", "@a:x", 1, "{'device_id':'D','call_id':''}"));
        assertInstanceOf(MemberContent.Left.class, noApp.content());
        assertEquals("deprecated_format", legacyInvalid(
                state("org.matrix.msc3401.call.member", "@a:x", "@a:x", 1, "{'memberships':[]}")));
    }

    @Test
    void legacyStateKeyMustBeTheSendersOwn() {
        String content = "{'application':'m.call','call_id':'','device_id':'D','focus_active':{'type':'livekit'}}";
        assertEquals("spoofed_state_key", rejected(
                state("org.matrix.msc3401.call.member", "_@alice:x_D_m.call", "@mallory:y", 1, content)));
        assertEquals("invalid_state_key", rejected(
                state("org.matrix.msc3401.call.member", "m.call", "@a:x", 1, content)));
        assertEquals("invalid_state_key", legacyInvalid(
                state("org.matrix.msc3401.call.member", "_@a:x_OTHER_m.call", "@a:x", 1, content)));
        legacyMember(state("org.matrix.msc3401.call.member", "@a:x_D_m.call", "@a:x", 1, content));
        legacyMember(state("org.matrix.msc3401.call.member", "_@a:x_D", "@a:x", 1, content));
    }

    @Test
    void legacyNamedCallAndOtherApplicationsMapToTheirSlots() {
        assertEquals(new SlotId("m.call#abc"), legacyMember(legacy("@a:x", "D", 1, "'call_id':'abc'")).slotId());
        String content = "{'application':'io.game','call_id':'','device_id':'D','focus_active':{'type':'x'}}";
        assertEquals(new SlotId("io.game#"), legacyMember(
                state("org.matrix.msc3401.call.member", "_@a:x_D", "@a:x", 1, content)).slotId());
        assertEquals("invalid_slot_id", legacyInvalid(legacy("@a:x", "D", 1, "'call_id':'a#b'")));
    }

    @Test
    void stickyExpiryFollowsMsc4354() {
        // start = min(received, origin): an origin in the future does not extend stickiness
        var s = (ParsedEvent.StickyMembership) parser.parse(stickyJoin("@a:x", "D", "m1", "m.call#ROOM", 10_000, "u"));
        assertEquals(10_000 + 3_600_000, s.expiresTs());
        RoomEvent future = new RoomEvent(Events.ROOM, "$f", "org.matrix.msc4143.rtc.member", Optional.empty(), "@a:x",
                50_000, "{\"msc4354_sticky_key\":\"k\"}", OptionalLong.of(7_200_000), OptionalLong.empty(), 20_000);
        var f = (ParsedEvent.StickyMembership) parser.parse(future);
        assertEquals(20_000 + 3_600_000, f.expiresTs(), "duration capped at 1 h, start at receipt");
        assertEquals(50_000, f.rank(), "newest-wins ranks by origin_server_ts, as js-sdk 43");
        RoomEvent ttl = new RoomEvent(Events.ROOM, "$t", "org.matrix.msc4143.rtc.member", Optional.empty(), "@a:x",
                1_000, "{\"msc4354_sticky_key\":\"k\"}", OptionalLong.of(3_600_000), OptionalLong.of(5_000), 90_000);
        assertEquals(95_000, ((ParsedEvent.StickyMembership) parser.parse(ttl)).expiresTs(), "unsigned ttl wins");
    }

    @Test
    void stickyValidityIsJsSdk43s() {
        var s = (ParsedEvent.StickyMembership) parser.parse(stickyJoin("@a:x", "D", "m1", "m.call#ROOM", 1, "u"));
        Member m = assertInstanceOf(MemberContent.Joined.class, s.content()).member();
        assertEquals("m1", m.memberId());
        assertEquals(java.util.List.of("livekit"), m.canSubscribe());
        String good = "'slot_id':'m.call#ROOM','application':{'type':'m.call'},'transports':{'published':[],"
                + "'can_subscribe':[]},'versions':[],'msc4354_sticky_key':'k'";
        assertEquals("sender_mismatch", stickyInvalid("{" + good + ",'member':{'id':'k','user_id':'@b:x','device_id':'D'}}"));
        assertEquals("slot_mismatch", stickyInvalid("{" + good.replace("m.call#ROOM", "io.x#ROOM")
                + ",'member':{'id':'k','user_id':'@a:x','device_id':'D'}}"));
        assertEquals("missing_field:versions", stickyInvalid("{" + good.replace(",'versions':[]", "")
                + ",'member':{'id':'k','user_id':'@a:x','device_id':'D'}}"));
        assertEquals("missing_field:transports", stickyInvalid("{'slot_id':'m.call#ROOM','application':{'type':'m.call'},"
                + "'rtc_transports':[],'versions':[],'msc4354_sticky_key':'k','member':{'id':'k','user_id':'@a:x','device_id':'D'}}"));
        assertInstanceOf(MemberContent.Left.class, ((ParsedEvent.StickyMembership) parser.parse(
                sticky("@a:x", 1, 1, "{'slot_id':'m.call#ROOM','msc4354_sticky_key':'k'}"))).content());
    }

    private String stickyInvalid(String content) {
        var s = assertInstanceOf(ParsedEvent.StickyMembership.class, parser.parse(sticky("@a:x", 1, 1, content)));
        return assertInstanceOf(MemberContent.Invalid.class, s.content()).reason();
    }

    @Test
    void badInputBecomesAReasonNeverAnException() {
        assertEquals("not_json", legacyInvalid(state("org.matrix.msc3401.call.member", "_@a:x_D", "@a:x", 1, "{nope")));
        assertEquals("not_an_object", legacyInvalid(state("org.matrix.msc3401.call.member", "_@a:x_D", "@a:x", 1, "[1]")));
        String huge = "{'application':'m.call','pad':'" + "x".repeat(70_000) + "'}";
        assertEquals("too_large", legacyInvalid(state("org.matrix.msc3401.call.member", "_@a:x_D", "@a:x", 1, huge)));
        assertEquals("too_large", rejected(sticky("@a:x", 1, 1, huge)));
        assertEquals("not_json", rejected(sticky("@a:x", 1, 1, "")));
        assertEquals("missing_field:msc4354_sticky_key", rejected(sticky("@a:x", 1, 1, "{'application':{}}")));
        assertEquals("unknown_type", rejected(state("org.matrix.msc3401.call", "x", "@a:x", 1, "{}")));
        assertInstanceOf(ParsedEvent.Unrelated.class, parser.parse(state("m.room.topic", "", "@a:x", 1, "{}")));
    }

    @Test
    void slotEventsOpenOnlyWithTheirApplication() {
        var open = (ParsedEvent.SlotState) parser.parse(Events.slot("m.call#ROOM", "open", 1));
        assertTrue(open.slot().open());
        var wrongApp = (ParsedEvent.SlotState) parser.parse(state("org.matrix.msc4143.rtc.slot", "m.call#ROOM",
                "@a:x", 1, "{'status':'open','application':{'type':'io.other'}}"));
        assertTrue(!wrongApp.slot().open());
        var junk = (ParsedEvent.SlotState) parser.parse(state("m.rtc.slot", "m.call#ROOM", "@a:x", 1, "[]"));
        assertTrue(!junk.slot().open(), "malformed counts as closed");
        assertEquals("invalid_slot_id", rejected(state("m.rtc.slot", "nohash", "@a:x", 1, "{}")));
    }
}
