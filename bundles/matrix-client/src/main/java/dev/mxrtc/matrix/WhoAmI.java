package dev.mxrtc.matrix;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@code GET /account/whoami}.
 *
 * @param userId the user
 * @param deviceId the device of the access token, if any
 * @param guest whether the account is a guest
 */
public record WhoAmI(String userId, Optional<String> deviceId, boolean guest) {

    public WhoAmI {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
