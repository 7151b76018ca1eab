package dev.mxrtc.signalling.todevice;

import java.util.Optional;

import dev.mxrtc.matrix.ToDeviceEvent;

/**
 * The seam for Olm: seals a call event for one device and opens received {@code m.room.encrypted} to-device
 * events. {@link #NONE} sends cleartext (what matrix-js-sdk's full mesh does unless its room is encrypted). An
 * implementation over the E2EE bundle's {@code DeviceCrypto} would encrypt with the device's Olm session and, on
 * receipt, check that the decrypted sender device is the {@code device_id} the content claims.
 */
public interface ToDeviceCipher {

    String ENCRYPTED = "m.room.encrypted";

    /** What goes on the wire for one device. */
    record Sealed(String type, String contentJson) {
    }

    Sealed seal(String userId, String deviceId, String type, String contentJson);

    /** @return the decrypted event (type and content of the plaintext, the sender checked), or empty to drop it */
    Optional<ToDeviceEvent> open(ToDeviceEvent encrypted);

    /** @return whether cleartext call events are refused */
    boolean requireEncryption();

    /** Cleartext: no encryption, encrypted events are not for signalling. */
    ToDeviceCipher NONE = new ToDeviceCipher() {
        @Override
        public Sealed seal(String userId, String deviceId, String type, String contentJson) {
            return new Sealed(type, contentJson);
        }

        @Override
        public Optional<ToDeviceEvent> open(ToDeviceEvent encrypted) {
            return Optional.empty();
        }

        @Override
        public boolean requireEncryption() {
            return false;
        }
    };
}
