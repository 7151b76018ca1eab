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

    /** Other room event types of the MatrixRTC MSCs that are not about membership. */
    private static final java.util.Set<String> OTHER_KNOWN = java.util.Set.of("m.rtc.notification",
            "m.rtc.decline", "m.rtc.encryption_key", "org.matrix.msc4143.rtc.encryption_key");

    /**
     * @return whether the type is in a MatrixRTC membership namespace ({@code m.rtc.},
     *         {@code org.matrix.msc4143.}, {@code org.matrix.msc3401.}) but not one this core reads
     */
    public static boolean isUnknownRtcType(String type) {
        boolean rtcNamespace = type.startsWith("m.rtc.") || type.startsWith("org.matrix.msc4143.")
                || type.startsWith("org.matrix.msc3401.");
        return rtcNamespace && !isRtcMember(type) && !isRtcSlot(type) && !CALL_MEMBER_LEGACY.equals(type)
                && !OTHER_KNOWN.contains(type);
    }

    public static boolean isRtcSlot(String type) {
        return RTC_SLOT.equals(type) || RTC_SLOT_UNSTABLE.equals(type);
    }
}
