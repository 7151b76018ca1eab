package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * A room event decrypted from {@code m.megolm.v1.aes-sha2}.
 *
 * @param type the inner event type
 * @param contentJson the inner content, JSON
 * @param senderKey the Curve25519 key of the device that shared the session with us
 * @param senderEd25519 the Ed25519 key that device claimed when sharing it, or null for imported sessions
 * @param sessionId the Megolm session
 * @param messageIndex the ratchet index the event was encrypted at
 */
public record DecryptedRoomEvent(String type, String contentJson, String senderKey, String senderEd25519,
                                 String sessionId, long messageIndex) {
    public DecryptedRoomEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(contentJson, "contentJson");
        Objects.requireNonNull(senderKey, "senderKey");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    @Override
    public String toString() {
        return "DecryptedRoomEvent[type=" + type + ", session=" + sessionId + ", index=" + messageIndex
                + ", content=<" + contentJson.length() + " chars>]";
    }
}
