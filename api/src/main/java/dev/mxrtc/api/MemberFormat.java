package dev.mxrtc.api;

/** The wire format a membership came from. */
public enum MemberFormat {
    /** MSC4143 {@code m.rtc.member} sent as an MSC4354 sticky event (stable or {@code org.matrix.msc4143.*} name). */
    STICKY,
    /** The legacy per-device state event {@code org.matrix.msc3401.call.member}. */
    LEGACY
}
