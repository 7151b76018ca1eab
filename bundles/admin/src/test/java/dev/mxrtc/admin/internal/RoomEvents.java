package dev.mxrtc.admin.internal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.mxrtc.api.RoomEvent;

/**
 * One room as a Matrix client would deliver it to the core: alice (legacy state event), bob (js-sdk 43 sticky
 * event, the oldest member) in {@code m.call#ROOM}, and carol's legacy event with a string {@code expires}, which
 * the core rejects ({@code wrong_type:expires}). Times are relative to {@code now} so nothing has expired.
 */
final class RoomEvents {

    static final String ROOM = "!admin-test:example.org";
    static final String BOB_MEMBER_ID = "7c1e0b5a-2f44";
    static final String BAD_EVENT = "$carol-bad";

    private RoomEvents() {
    }

    static List<RoomEvent> room(long now) {
        return List.of(
                join("@alice:example.org", now), join("@bob:matrix.org", now), join("@carol:example.org", now),
                state("$alice-call", "org.matrix.msc3401.call.member", "_@alice:example.org_ALICEDEV_m.call",
                        "@alice:example.org", now - 60_000, """
                        {"application":"m.call","call_id":"","scope":"m.room","device_id":"ALICEDEV",
                         "expires":14400000,"focus_active":{"type":"livekit","focus_selection":"oldest_membership"},
                         "foci_preferred":[{"type":"livekit","livekit_service_url":"https://lk-a.example.org"}]}"""),
                new RoomEvent(ROOM, "$bob-call", "org.matrix.msc4143.rtc.member", Optional.empty(), "@bob:matrix.org",
                        now - 120_000, """
                        {"slot_id":"m.call#ROOM","application":{"type":"m.call","m.call.intent":"video"},
                         "member":{"id":"%s","user_id":"@bob:matrix.org","device_id":"BOBPHONE"},
                         "transports":{"published":[{"type":"livekit","livekit_service_url":"https://lk-b.example.org"}],
                         "can_subscribe":["livekit"]},"versions":[],"msc4354_sticky_key":"%s"}"""
                                .formatted(BOB_MEMBER_ID, BOB_MEMBER_ID),
                        OptionalLong.of(3_600_000), OptionalLong.empty(), now),
                state(BAD_EVENT, "org.matrix.msc3401.call.member", "_@carol:example.org_CAROLDEV_m.call",
                        "@carol:example.org", now - 30_000, """
                        {"application":"m.call","call_id":"","scope":"m.room","device_id":"CAROLDEV",
                         "expires":"14400000","focus_active":{"type":"livekit","focus_selection":"oldest_membership"},
                         "foci_preferred":[{"type":"livekit","livekit_service_url":"https://lk-c.example.org"}]}"""));
    }

    private static RoomEvent join(String user, long now) {
        return state("$join-" + user, "m.room.member", user, user, now - 3_600_000, "{\"membership\":\"join\"}");
    }

    private static RoomEvent state(String id, String type, String key, String sender, long ts, String content) {
        return new RoomEvent(ROOM, id, type, Optional.of(key), sender, ts, content, OptionalLong.empty(),
                OptionalLong.empty(), ts);
    }
}
