package dev.mxrtc.homeserver.http;

import java.util.Map;
import java.util.Objects;

/**
 * A Matrix error response: HTTP status, {@code errcode}, human-readable {@code error} and optional extra
 * top-level fields (e.g. Synapse's {@code org.matrix.msc4140.max_delay}). Thrown at the API edge only;
 * the servlet turns it into {@code {"errcode":..., "error":...}}.
 */
public final class MatrixError extends RuntimeException {
    private final int status;
    private final String errcode;
    private final Map<String, Object> extra;

    public MatrixError(int status, String errcode, String error, Map<String, Object> extra) {
        super(error, null, false, false);
        this.status = status;
        this.errcode = Objects.requireNonNull(errcode);
        this.extra = Map.copyOf(extra);
    }

    public MatrixError(int status, String errcode, String error) {
        this(status, errcode, error, Map.of());
    }

    public int status() { return status; }
    public String errcode() { return errcode; }
    public Map<String, Object> extra() { return extra; }

    public static MatrixError forbidden(String why) { return new MatrixError(403, "M_FORBIDDEN", why); }
    public static MatrixError notFound(String why) { return new MatrixError(404, "M_NOT_FOUND", why); }
    public static MatrixError badJson(String why) { return new MatrixError(400, "M_BAD_JSON", why); }
    public static MatrixError notJson(String why) { return new MatrixError(400, "M_NOT_JSON", why); }
    public static MatrixError missingParam(String why) { return new MatrixError(400, "M_MISSING_PARAM", why); }
    public static MatrixError invalidParam(String why) { return new MatrixError(400, "M_INVALID_PARAM", why); }
    public static MatrixError unrecognized(String why) { return new MatrixError(404, "M_UNRECOGNIZED", why); }
}
