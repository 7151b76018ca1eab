package dev.mxrtc.matrix;

/** The closed set of error outcomes a caller switches on; the exact {@code errcode} stays in {@link MatrixError}. */
public enum ErrorKind {
    /** 404 / {@code M_NOT_FOUND}: e.g. a delayed event that already fired, an absent state event. */
    NOT_FOUND,
    /** 429 / {@code M_LIMIT_EXCEEDED}: retry after {@link MatrixError#retryAfterMs()}. */
    RATE_LIMITED,
    /** {@code M_FORBIDDEN}: not allowed (power levels, bad password, feature disabled). */
    FORBIDDEN,
    /** {@code M_UNKNOWN_TOKEN}: the access token is no longer valid; log in again. */
    UNKNOWN_TOKEN,
    /** {@code M_MISSING_TOKEN}: the endpoint needs authentication. */
    MISSING_TOKEN,
    /** {@code M_UNRECOGNIZED} (or 404/405 without errcode on an unknown endpoint): the server lacks the endpoint. */
    UNRECOGNIZED,
    /** MSC4140: the delay is over the server's maximum, see {@link MatrixError#maxDelayMs()}. */
    MAX_DELAY_EXCEEDED,
    /** 409: e.g. restarting a delayed event that was already sent or cancelled. */
    CONFLICT,
    /** Other 4xx ({@code M_BAD_JSON}, {@code M_INVALID_PARAM}, {@code M_UNKNOWN}...). */
    BAD_REQUEST,
    /** {@code M_USER_IN_USE}: registration of a taken user name. */
    USER_IN_USE,
    /** 5xx: the server failed; the request may be retried. */
    SERVER_ERROR,
    /** No answer: connection refused, reset or timed out. */
    NETWORK,
    /** Anything else. */
    OTHER
}
