package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * A to-device event decrypted from {@code m.olm.v1.curve25519-aes-sha2}, after the checks of the Olm payload:
 * addressed to us ({@code recipient}, {@code recipient_keys}), from the envelope's sender.
 *
 * @param sender the Matrix user who sent it
 * @param senderDevice the {@code sender_device} the payload claims, or null when absent
 * @param senderKey the sender's Curve25519 identity key (proven by the Olm session)
 * @param senderEd25519 the Ed25519 key the payload claims ({@code keys.ed25519}); compare it with the device list
 * @param type the inner event type
 * @param contentJson the inner content, JSON
 */
public record DecryptedToDevice(String sender, String senderDevice, String senderKey, String senderEd25519,
                                String type, String contentJson) {
    public DecryptedToDevice {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(senderKey, "senderKey");
        Objects.requireNonNull(senderEd25519, "senderEd25519");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(contentJson, "contentJson");
    }

    @Override
    public String toString() {
        return "DecryptedToDevice[sender=" + sender + ", senderDevice=" + senderDevice + ", type=" + type
                + ", content=<" + contentJson.length() + " chars>]";
    }
}
