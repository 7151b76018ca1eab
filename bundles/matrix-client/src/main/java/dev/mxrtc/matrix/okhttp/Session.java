package dev.mxrtc.matrix.okhttp;

import java.util.Objects;

/**
 * A logged-in session. {@link #toString()} hides the access token.
 *
 * @param userId the full user id
 * @param deviceId the device
 * @param accessToken the access token
 */
record Session(String userId, String deviceId, String accessToken) {

    Session {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(accessToken, "accessToken");
        if (accessToken.isEmpty()) {
            throw new IllegalArgumentException("empty access token");
        }
    }

    @Override
    public String toString() {
        return "Session[userId=" + userId + ", deviceId=" + deviceId + "]";
    }
}
