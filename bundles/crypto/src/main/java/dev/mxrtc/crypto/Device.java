package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * Another device as learnt from {@code /keys/query} (after checking its self-signature with
 * {@link DeviceCrypto#verifyDeviceKeys(String)}).
 */
public record Device(String userId, String deviceId, IdentityKeys keys) {
    public Device {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(keys, "keys");
        if (!userId.startsWith("@") || deviceId.isEmpty()) {
            throw new IllegalArgumentException("not a Matrix user/device: " + userId + " " + deviceId);
        }
    }
}
