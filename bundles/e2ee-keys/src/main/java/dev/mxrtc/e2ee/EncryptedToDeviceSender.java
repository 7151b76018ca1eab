package dev.mxrtc.e2ee;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends a to-device event Olm-encrypted ({@code m.room.encrypted}, {@code m.olm.v1.curve25519-aes-sha2}) from one
 * account of the runtime to one device, as the media-key path does: the device's keys from {@code /keys/query}
 * (self-signature checked), a one-time key claimed and an Olm session started when there is none, then one
 * {@code PUT /sendToDevice/m.room.encrypted}. The E2EE runtime component of each configured account is one; pick
 * yours by {@link #userId()} and {@link #deviceId()}. Thread-safe; blocks on HTTP.
 */
@ProviderType
public interface EncryptedToDeviceSender {

    /** @return the sending account */
    String userId();

    /** @return the sending account's device */
    String deviceId();

    /**
     * Encrypts {@code type}/{@code contentJson} for the device and sends it.
     *
     * @param txnId the transaction id of the send (retries of one id are delivered once)
     * @return what happened; never throws for an expected failure
     */
    Outcome send(String userId, String deviceId, String type, String contentJson, String txnId);

    /** The result of a {@link #send}. */
    sealed interface Outcome permits Sent, NoDeviceKeys, Failed {
    }

    /** The homeserver accepted the encrypted event. */
    record Sent() implements Outcome {
    }

    /**
     * The device lists no (valid) keys in {@code /keys/query}: it does not do end-to-end encryption, or does not
     * exist. Nothing was sent; whether to send in the clear instead is the caller's decision.
     */
    record NoDeviceKeys(String detail) implements Outcome {
        public NoDeviceKeys {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Nothing was sent: no one-time key, a crypto failure, the homeserver refused, or the runtime is closed. */
    record Failed(String detail) implements Outcome {
        public Failed {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
