package dev.mxrtc.focus.livekit;

import java.util.Objects;

/**
 * What the LiveKit service grants: the SFU's websocket URL and the LiveKit access token (JWT) for it.
 * {@link #toString()} hides the token.
 *
 * @param url the SFU URL ({@code wss://…})
 * @param jwt the access token
 */
public record SfuAccess(String url, String jwt) {

    public SfuAccess {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(jwt, "jwt");
    }

    @Override
    public String toString() {
        return "SfuAccess[url=" + url + "]";
    }
}
