package dev.mxrtc.homeserver.core;

import java.util.Objects;

/** The authenticated user and device behind an access token. */
public record Caller(String userId, String deviceId) {
    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
