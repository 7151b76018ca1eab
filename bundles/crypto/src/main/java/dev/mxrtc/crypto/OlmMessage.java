package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * An encrypted Olm message as it appears in {@code ciphertext.<key>} of an {@code m.olm.v1.curve25519-aes-sha2}
 * event: {@link #PRE_KEY} (0) while the sender has not heard back, {@link #NORMAL} (1) afterwards.
 *
 * @param type 0 or 1
 * @param body the message bytes in unpadded base64
 */
public record OlmMessage(int type, String body) {
    public static final int PRE_KEY = 0;
    public static final int NORMAL = 1;

    public OlmMessage {
        if (type != PRE_KEY && type != NORMAL) {
            throw new IllegalArgumentException("Olm message type must be 0 or 1, was " + type);
        }
        Objects.requireNonNull(body, "body");
    }

    public boolean isPreKey() {
        return type == PRE_KEY;
    }

    @Override
    public String toString() {
        return "OlmMessage[type=" + type + ", body=<" + body.length() + " chars>]";
    }
}
