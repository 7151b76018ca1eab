package dev.mxrtc.matrix.okhttp;

import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixError;

/** Maps an HTTP error answer (status, JSON body, {@code Retry-After}) to a {@link MatrixError}, once, at the edge. */
final class MatrixErrors {

    /** Synapse's MSC4140 extension fields on a 400 {@code M_UNKNOWN}. */
    static final String MSC4140_ERRCODE = "org.matrix.msc4140.errcode";
    static final String MSC4140_MAX_DELAY = "org.matrix.msc4140.max_delay";
    static final String MAX_DELAY_EXCEEDED = "M_MAX_DELAY_EXCEEDED";

    private MatrixErrors() {
    }

    /**
     * @param status the HTTP status
     * @param body the parsed body, or null if it was not JSON
     * @param retryAfterHeader the {@code Retry-After} header, or null
     */
    static MatrixError from(int status, JsonNode body, String retryAfterHeader) {
        String errcode = text(body, "errcode");
        String message = text(body, "error");
        if (message.isEmpty()) {
            message = "HTTP " + status;
        }
        String msc4140 = text(body, MSC4140_ERRCODE);
        if (MAX_DELAY_EXCEEDED.equals(errcode) || MAX_DELAY_EXCEEDED.equals(msc4140)) {
            OptionalLong max = number(body, MSC4140_MAX_DELAY);
            if (max.isEmpty()) {
                max = number(body, "max_delay");
            }
            return new MatrixError(ErrorKind.MAX_DELAY_EXCEEDED, MAX_DELAY_EXCEEDED, message, status,
                    OptionalLong.empty(), max, false);
        }
        OptionalLong retryAfter = number(body, "retry_after_ms");
        if (retryAfter.isEmpty()) {
            retryAfter = retryAfterHeader(retryAfterHeader);
        }
        ErrorKind kind = kind(status, errcode);
        boolean softLogout = body != null && body.path("soft_logout").asBoolean(false);
        return new MatrixError(kind, errcode, message, status, kind == ErrorKind.RATE_LIMITED ? retryAfter
                : OptionalLong.empty(), OptionalLong.empty(), softLogout);
    }

    private static ErrorKind kind(int status, String errcode) {
        switch (errcode) {
            case "M_NOT_FOUND":
                return ErrorKind.NOT_FOUND;
            case "M_LIMIT_EXCEEDED":
                return ErrorKind.RATE_LIMITED;
            case "M_FORBIDDEN":
                return ErrorKind.FORBIDDEN;
            case "M_UNKNOWN_TOKEN":
                return ErrorKind.UNKNOWN_TOKEN;
            case "M_MISSING_TOKEN":
                return ErrorKind.MISSING_TOKEN;
            case "M_UNRECOGNIZED":
                return ErrorKind.UNRECOGNIZED;
            case "M_USER_IN_USE":
                return ErrorKind.USER_IN_USE;
            default:
                break;
        }
        if (status == 429) {
            return ErrorKind.RATE_LIMITED;
        }
        if (status == 404) {
            return ErrorKind.NOT_FOUND;
        }
        if (status == 405) {
            return ErrorKind.UNRECOGNIZED;
        }
        if (status == 409) {
            return ErrorKind.CONFLICT;
        }
        if (status == 401) {
            return ErrorKind.UNKNOWN_TOKEN;
        }
        if (status == 403) {
            return ErrorKind.FORBIDDEN;
        }
        if (status >= 500) {
            return ErrorKind.SERVER_ERROR;
        }
        if (status >= 400) {
            return ErrorKind.BAD_REQUEST;
        }
        return ErrorKind.OTHER;
    }

    /** {@code Retry-After}: delta seconds (HTTP dates are not used by homeservers and are ignored). */
    static OptionalLong retryAfterHeader(String header) {
        if (header == null || header.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? OptionalLong.empty() : OptionalLong.of(seconds * 1000L);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String text(JsonNode body, String field) {
        if (body == null) {
            return "";
        }
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.asText() : "";
    }

    private static OptionalLong number(JsonNode body, String field) {
        if (body == null) {
            return OptionalLong.empty();
        }
        JsonNode n = body.get(field);
        return n != null && n.canConvertToLong() ? OptionalLong.of(n.asLong()) : OptionalLong.empty();
    }
}
