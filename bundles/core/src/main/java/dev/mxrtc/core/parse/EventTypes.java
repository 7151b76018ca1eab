package dev.mxrtc.core.parse;

/** The event types the core reads, stable and unstable names. */
public final class EventTypes {

    /** MSC4143 membership, sent as an MSC4354 sticky event. */
    public static final String RTC_MEMBER = "m.rtc.member";
    /** Unstable name of {@link #RTC_MEMBER}, the one matrix-js-sdk 43 sends and reads. */
    public static final String RTC_MEMBER_UNSTABLE = "org.matrix.msc4143.rtc.member";
    /** MSC4143 slot state. */
    public static final String RTC_SLOT = "m.rtc.slot";
    /** Unstable name of {@link #RTC_SLOT}. */
    public static final String RTC_SLOT_UNSTABLE = "org.matrix.msc4143.rtc.slot";
    /** Legacy per-device membership state (MSC3401 name, js-sdk "session" format). */
    public static final String CALL_MEMBER_LEGACY = "org.matrix.msc3401.call.member";
    /** Room membership state. */
    public static final String ROOM_MEMBER = "m.room.member";

    private EventTypes() {
    }

    public static boolean isRtcMember(String type) {
        return RTC_MEMBER.equals(type) || RTC_MEMBER_UNSTABLE.equals(type);
    }

    public static boolean isRtcSlot(String type) {
        return RTC_SLOT.equals(type) || RTC_SLOT_UNSTABLE.equals(type);
    }
}
