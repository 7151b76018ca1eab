package dev.mxrtc.e2ee;

import java.util.Objects;

/**
 * A to-device event that arrived Olm-encrypted ({@code m.room.encrypted}) for an account of the runtime, decrypted
 * exactly once by the E2EE runtime, with its sender proven: the Curve25519 key the Olm session proved and the
 * Ed25519 key in the payload are both the keys {@code /keys/query} lists for {@code senderDeviceId} of
 * {@code senderUserId}, and the payload's {@code sender_device}, when present, names that device. Media keys and
 * {@code m.room_key} never appear here (the key path consumes them). {@link #toString()} never shows the content.
 *
 * @param recipientUserId the account it was for
 * @param recipientDeviceId the account's device
 * @param senderUserId the sending user (the homeserver's {@code sender}, equal to the Olm payload's)
 * @param senderDeviceId the Olm-authenticated sending device
 * @param senderCurve25519 that device's Curve25519 identity key
 * @param type the decrypted (inner) event type, e.g. {@code m.call.invite}
 * @param contentJson the decrypted content, JSON; what it claims (e.g. a {@code device_id}) is not checked here
 */
public record VerifiedToDevice(String recipientUserId, String recipientDeviceId, String senderUserId,
        String senderDeviceId, String senderCurve25519, String type, String contentJson) {

    public VerifiedToDevice {
        Objects.requireNonNull(recipientUserId, "recipientUserId");
        Objects.requireNonNull(recipientDeviceId, "recipientDeviceId");
        Objects.requireNonNull(senderUserId, "senderUserId");
        Objects.requireNonNull(senderDeviceId, "senderDeviceId");
        Objects.requireNonNull(senderCurve25519, "senderCurve25519");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(contentJson, "contentJson");
    }

    @Override
    public String toString() {
        return "VerifiedToDevice[" + type + " from " + senderUserId + "/" + senderDeviceId + " to " + recipientUserId
                + "/" + recipientDeviceId + ", content=<" + contentJson.length() + " chars>]";
    }
}
