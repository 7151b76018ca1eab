package dev.mxrtc.admin.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request to the console, reduced to what routing and authorization need.
 *
 * @param method the HTTP method
 * @param path the path below the console's prefix, starting with {@code /} (decoded)
 * @param query the query parameters (first value of each)
 * @param remoteAddress the peer's IP address literal
 * @param host the {@code Host} header, if sent
 * @param origin the {@code Origin} header, if sent
 * @param authorization the {@code Authorization} header, if sent (never printed)
 */
record AdminRequest(String method, String path, Map<String, String> query, String remoteAddress,
        Optional<String> host, Optional<String> origin, Optional<String> authorization) {

    AdminRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query);
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(authorization, "authorization");
    }

    /** A GET from loopback without credentials, for tests and local callers. */
    static AdminRequest get(String path) {
        return new AdminRequest("GET", path, Map.of(), "127.0.0.1", Optional.of("127.0.0.1:8008"),
                Optional.empty(), Optional.empty());
    }

    AdminRequest withMethod(String m) {
        return new AdminRequest(m, path, query, remoteAddress, host, origin, authorization);
    }

    AdminRequest withQuery(Map<String, String> q) {
        return new AdminRequest(method, path, q, remoteAddress, host, origin, authorization);
    }

    AdminRequest from(String address, String hostHeader) {
        return new AdminRequest(method, path, query, address, Optional.ofNullable(hostHeader), origin, authorization);
    }

    AdminRequest withOrigin(String o) {
        return new AdminRequest(method, path, query, remoteAddress, host, Optional.ofNullable(o), authorization);
    }

    AdminRequest withAuthorization(String a) {
        return new AdminRequest(method, path, query, remoteAddress, host, origin, Optional.ofNullable(a));
    }

    /** The credentials stay out of logs and exception messages. */
    @Override
    public String toString() {
        return "AdminRequest[" + method + " " + path + " from " + remoteAddress
                + (authorization.isPresent() ? " with credentials" : "") + "]";
    }
}
