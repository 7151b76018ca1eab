package dev.mxrtc.core;

import java.util.Optional;
import java.util.OptionalLong;

import dev.mxrtc.api.RoomEvent;

/** Builds room events for tests, with content as JSON text (single quotes allowed for readability). */
public final class Events {

    public static final String ROOM = "!room:example.org";
    public static final String LK = "{'type':'livekit','livekit_service_url':'https://sfu.example.org'}";
    private static int counter;

    private Events() {
    }

    public static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    public static synchronized String nextId() {
        return "$ev" + (++counter);
    }

    public static RoomEvent state(String type, String stateKey, String sender, long ts, String content) {
        return new RoomEvent(ROOM, nextId(), type, Optional.of(stateKey), sender, ts, json(content),
                OptionalLong.empty(), OptionalLong.empty(), ts);
    }

    public static RoomEvent joined(String user) {
        return state("m.room.member", user, user, 1, "{'membership':'join'}");
    }

    public static RoomEvent left(String user) {
        return state("m.room.member", user, user, 1, "{'membership':'leave'}");
    }

    /** A legacy membership of {@code user}'s {@code device} in m.call#ROOM. */
    public static RoomEvent legacy(String user, String device, long ts, String extra) {
        return state("org.matrix.msc3401.call.member", "_" + user + "_" + device + "_m.call", user, ts,
                "{'application':'m.call','call_id':'','scope':'m.room','device_id':'" + device + "',"
                        + "'focus_active':{'type':'livekit','focus_selection':'oldest_membership'},"
                        + "'foci_preferred':[" + LK + "]" + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    public static RoomEvent legacyLeave(String user, String device, long ts) {
        return state("org.matrix.msc3401.call.member", "_" + user + "_" + device + "_m.call", user, ts, "{}");
    }

    public static RoomEvent sticky(String sender, long ts, long receivedTs, String content) {
        return new RoomEvent(ROOM, nextId(), "org.matrix.msc4143.rtc.member", Optional.empty(), sender, ts,
                json(content), OptionalLong.of(3_600_000), OptionalLong.empty(), receivedTs);
    }

    /** A js-sdk 43 sticky membership of {@code user}'s {@code device} with member id {@code memberId}. */
    public static RoomEvent stickyJoin(String user, String device, String memberId, String slot, long ts,
            String transportUrl) {
        String app = slot.substring(0, slot.indexOf('#'));
        return sticky(user, ts, ts, "{'slot_id':'" + slot + "','application':{'type':'" + app + "'},"
                + "'member':{'id':'" + memberId + "','user_id':'" + user + "','device_id':'" + device + "'},"
                + "'transports':{'published':[{'type':'livekit','livekit_service_url':'" + transportUrl + "'}],"
                + "'can_subscribe':['livekit']},'versions':[],'msc4354_sticky_key':'" + memberId + "'}");
    }

    public static RoomEvent stickyLeave(String user, String memberId, long ts) {
        return sticky(user, ts, ts, "{'msc4354_sticky_key':'" + memberId + "'}");
    }

    public static RoomEvent slot(String slotId, String status, long ts) {
        String app = slotId.substring(0, slotId.indexOf('#'));
        return state("org.matrix.msc4143.rtc.slot", slotId, "@admin:example.org", ts,
                "{'status':'" + status + "','application':{'type':'" + app + "'}}");
    }
}
