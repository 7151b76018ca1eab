package dev.mxrtc.matrix;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An error answer of the homeserver (or of the way to it), kept with its Matrix {@code errcode}.
 *
 * @param kind what the caller can do about it
 * @param errcode the Matrix {@code errcode} (for {@link ErrorKind#MAX_DELAY_EXCEEDED} the MSC4140 one,
 *        {@code M_MAX_DELAY_EXCEEDED}); {@code M_NETWORK} for a failure to reach the server
 * @param message the server's {@code error} text, or a description
 * @param httpStatus the HTTP status, 0 if no answer was received
 * @param retryAfterMs {@code retry_after_ms} or the {@code Retry-After} header, for rate limits
 * @param maxDelayMs the server's maximum delay, for {@link ErrorKind#MAX_DELAY_EXCEEDED}
 * @param softLogout {@code soft_logout} of an {@code M_UNKNOWN_TOKEN} answer
 */
public record MatrixError(ErrorKind kind, String errcode, String message, int httpStatus, OptionalLong retryAfterMs,
        OptionalLong maxDelayMs, boolean softLogout) {

    public MatrixError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(errcode, "errcode");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(retryAfterMs, "retryAfterMs");
        Objects.requireNonNull(maxDelayMs, "maxDelayMs");
        if (httpStatus < 0 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus " + httpStatus);
        }
    }

    /** A failure to get any answer (connection refused, reset, timeout). */
    public static MatrixError network(String message) {
        return new MatrixError(ErrorKind.NETWORK, "M_NETWORK", message, 0, OptionalLong.empty(),
                OptionalLong.empty(), false);
    }

    /** @return the errcode as an optional, for callers that compare it to extension codes */
    public Optional<String> errcodeIfAny() {
        return errcode.isEmpty() ? Optional.empty() : Optional.of(errcode);
    }

    /** @return whether the same request may succeed later without changes (rate limit, 5xx, network) */
    public boolean isTransient() {
        return switch (kind) {
            case RATE_LIMITED, SERVER_ERROR, NETWORK -> true;
            case NOT_FOUND, FORBIDDEN, UNKNOWN_TOKEN, MISSING_TOKEN, UNRECOGNIZED, MAX_DELAY_EXCEEDED, CONFLICT,
                    BAD_REQUEST, USER_IN_USE, OTHER -> false;
        };
    }
}
