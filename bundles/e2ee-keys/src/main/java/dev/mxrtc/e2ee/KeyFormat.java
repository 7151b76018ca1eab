package dev.mxrtc.e2ee;

import java.util.Optional;

/** The wire forms a media key travels in. */
public enum KeyFormat {
    /**
     * What matrix-js-sdk 43 sends: to-device {@code io.element.call.encryption_keys} inside Olm, content
     * {@code keys{index,key}, room_id, member{claimed_device_id,id}, session{application,call_id,scope}, sent_ts}.
     */
    JS_SDK_TO_DEVICE("io.element.call.encryption_keys"),
    /** MSC4143: to-device {@code m.rtc.encryption_key} inside Olm, content {@code room_id, member_id, media_key{index,key}}. */
    MSC4143_TO_DEVICE("m.rtc.encryption_key"),
    /** Older Element Call: a Megolm-encrypted room event {@code io.element.call.encryption_keys} with {@code keys[]}. */
    LEGACY_ROOM_EVENT("io.element.call.encryption_keys");

    /** The unstable name of {@link #MSC4143_TO_DEVICE}, accepted on receipt. */
    public static final String MSC4143_UNSTABLE_TYPE = "org.matrix.msc4143.rtc.encryption_key";

    private final String type;

    KeyFormat(String type) {
        this.type = type;
    }

    /** @return the (inner, decrypted) event type this format is sent as */
    public String type() {
        return type;
    }

    /** @return the to-device format an inner event type names, if it is a key type */
    public static Optional<KeyFormat> toDevice(String type) {
        return switch (type) {
            case "io.element.call.encryption_keys" -> Optional.of(JS_SDK_TO_DEVICE);
            case "m.rtc.encryption_key", MSC4143_UNSTABLE_TYPE -> Optional.of(MSC4143_TO_DEVICE);
            default -> Optional.empty();
        };
    }
}
