package dev.mxrtc.signalling.todevice;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The seam for Olm between the to-device transport and the E2EE bundle. {@link #NONE} is cleartext; {@link OlmCipher}
 * encrypts through the E2EE runtime's {@code EncryptedToDeviceSender} and receives through its
 * {@code VerifiedToDeviceListener} whiteboard (the runtime is the only decrypter of the account's Olm traffic). This
 * interface names no E2EE type, so the transport runs without the E2EE bundle.
 */
public interface ToDeviceCipher {

    /** A decrypted call event and the device the Olm session proved it came from. */
    record Opened(String senderUserId, String senderDeviceId, String type, String contentJson) {
        public Opened {
            Objects.requireNonNull(senderUserId, "senderUserId");
            Objects.requireNonNull(senderDeviceId, "senderDeviceId");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(contentJson, "contentJson");
        }
    }

    /** What {@link #send} did. */
    enum Result {
        /** Sent as {@code m.room.encrypted}. */
        ENCRYPTED,
        /** Nothing sent: the device publishes no keys (it does no end-to-end encryption). */
        NO_DEVICE_KEYS
    }

    /** @return whether this cipher encrypts for the account (false for {@link #NONE}) */
    boolean covers(String userId, String deviceId);

    /**
     * Encrypts one call event for one device and sends it.
     *
     * @throws IllegalStateException when it could not be sent (no one-time key, homeserver refused, ...)
     */
    Result send(String userId, String deviceId, String type, String contentJson, String txnId);

    /**
     * Starts handing the account's decrypted call events to {@code inbound} (on the sync thread, in order).
     *
     * @return closing it stops
     */
    AutoCloseable open(String userId, String deviceId, Consumer<Opened> inbound);

    /** Cleartext: encrypts for no one, opens nothing. */
    ToDeviceCipher NONE = new ToDeviceCipher() {
        @Override
        public boolean covers(String userId, String deviceId) {
            return false;
        }

        @Override
        public Result send(String userId, String deviceId, String type, String contentJson, String txnId) {
            throw new IllegalStateException("the cleartext cipher does not encrypt");
        }

        @Override
        public AutoCloseable open(String userId, String deviceId, Consumer<Opened> inbound) {
            return () -> { };
        }

        @Override
        public String toString() {
            return "cleartext";
        }
    };
}
