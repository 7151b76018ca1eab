package dev.mxrtc.itest;

import java.util.Optional;
import java.util.OptionalLong;

import dev.mxrtc.api.RoomEvent;

/** Room events as a Matrix client receives them, in the shapes matrix-js-sdk 43 / Element Call send. */
final class RoomEvents {

    static final String CALL_MEMBER = "org.matrix.msc3401.call.member";

    private RoomEvents() {
    }

    static RoomEvent join(String room, String user, long ts) {
        return state(room, "$join-" + user, "m.room.member", user, user, ts, "{\"membership\":\"join\"}");
    }

    /** A legacy membership, focus selection {@code oldest_membership}, publishing on the given LiveKit services. */
    static RoomEvent legacyMember(String room, String user, String device, long createdTs, String... sfuUrls) {
        StringBuilder foci = new StringBuilder();
        for (String url : sfuUrls) {
            foci.append(foci.isEmpty() ? "" : ",")
                    .append("{\"type\":\"livekit\",\"livekit_service_url\":\"").append(url)
                    .append("\",\"livekit_alias\":\"").append(room).append("\"}");
        }
        String content = """
                {"application":"m.call","call_id":"","scope":"m.room","device_id":"%s","expires":14400000,
                 "membershipID":"%s:%s","created_ts":%d,
                 "focus_active":{"type":"livekit","focus_selection":"oldest_membership"},
                 "foci_preferred":[%s]}""".formatted(device, user, device, createdTs, foci);
        return state(room, "$member-" + user + "-" + device, CALL_MEMBER, "_" + user + "_" + device + "_m.call", user,
                createdTs, content);
    }

    static RoomEvent state(String room, String eventId, String type, String stateKey, String sender, long ts,
            String content) {
        return new RoomEvent(room, eventId, type, Optional.of(stateKey), sender, ts, content, OptionalLong.empty(),
                OptionalLong.empty(), System.currentTimeMillis());
    }
}
