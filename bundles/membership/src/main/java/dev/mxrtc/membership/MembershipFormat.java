package dev.mxrtc.membership;

/** Which wire format a membership is published in. */
public enum MembershipFormat {
    /**
     * Follow the room: sticky ({@link #STICKY_UNSTABLE}) if any current member of the slot is sticky and the
     * homeserver supports MSC4354, else {@link #LEGACY}. This is what lets matrix-js-sdk 43 clients in either mode
     * see the member.
     */
    AUTO,
    /** The per-device state event {@code org.matrix.msc3401.call.member} (what Element Call sends by default). */
    LEGACY,
    /** MSC4143 {@code org.matrix.msc4143.rtc.member} as an MSC4354 sticky event (js-sdk 43's sticky mode). */
    STICKY_UNSTABLE,
    /** The stable name {@code m.rtc.member}, sticky; no shipping client reads it yet. */
    STICKY_STABLE
}
