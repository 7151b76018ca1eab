package dev.mxrtc.admin.internal;

import java.util.Map;
import java.util.Objects;

/**
 * A response of the console.
 *
 * @param status the HTTP status
 * @param contentType the content type, with charset
 * @param body the body
 * @param headers further headers
 */
record AdminResponse(int status, String contentType, String body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    AdminResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }
}
