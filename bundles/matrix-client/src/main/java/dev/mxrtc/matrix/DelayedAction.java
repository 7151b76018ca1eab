package dev.mxrtc.matrix;

import java.util.Locale;

/** What to do with a scheduled MSC4140 delayed event. */
public enum DelayedAction {
    /** Reset its timer to now + its delay (the keep-alive). */
    RESTART,
    /** Never send it. */
    CANCEL,
    /** Send it now. */
    SEND;

    /** @return the action's name on the wire */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
