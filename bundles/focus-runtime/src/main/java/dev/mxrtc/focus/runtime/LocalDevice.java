package dev.mxrtc.focus.runtime;

import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.api.Member;

/**
 * A device the runtime itself is logged in as: its members are the ones it connects.
 *
 * @param userId the account's user id
 * @param deviceId the device, when the account could tell it; empty matches every device of the user
 */
record LocalDevice(String userId, Optional<String> deviceId) {

    LocalDevice {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
    }

    boolean owns(Member m) {
        return userId.equals(m.userId()) && deviceId.map(m.deviceId()::equals).orElse(true);
    }
}
