package dev.mxrtc.matrix;

import java.util.Objects;

/**
 * An OpenID token ({@code POST /user/{userId}/openid/request_token}), e.g. for the LiveKit JWT service.
 * {@link #toString()} hides the token.
 *
 * @param accessToken the token
 * @param tokenType {@code Bearer}
 * @param matrixServerName the server name that vouches for it
 * @param expiresInSeconds its lifetime
 */
public record OpenIdToken(String accessToken, String tokenType, String matrixServerName, long expiresInSeconds) {

    public OpenIdToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(matrixServerName, "matrixServerName");
    }

    @Override
    public String toString() {
        return "OpenIdToken[tokenType=" + tokenType + ", matrixServerName=" + matrixServerName
                + ", expiresInSeconds=" + expiresInSeconds + "]";
    }
}
