package dev.mxrtc.call;

/** How a notification asks to be presented (MSC4075 {@code notification_type}; deprecated in the MSC, still sent). */
public enum NotificationType {
    /** Audible ringing. */
    RING("ring", "ring"),
    /** A visual notification only. */
    NOTIFICATION("notification", "notify");

    private final String wireName;
    private final String legacyName;

    NotificationType(String wireName, String legacyName) {
        this.wireName = wireName;
        this.legacyName = legacyName;
    }

    /** @return the {@code notification_type} value */
    public String wireName() {
        return wireName;
    }

    /** @return the {@code notify_type} value of the deprecated {@code org.matrix.msc4075.call.notify} */
    public String legacyName() {
        return legacyName;
    }

    /** @return the type for a wire value; absent or unknown values are {@link #RING}, as js-sdk treats them */
    public static NotificationType fromWire(String value) {
        return "notification".equals(value) || "notify".equals(value) ? NOTIFICATION : RING;
    }
}
