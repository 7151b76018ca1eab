package dev.mxrtc.livekit.auth;

/**
 * A Matrix-style error answer of the service ({@code {"errcode":…,"error":…}}), with the status and wording
 * lk-jwt-service uses. Thrown from parsing and verification, turned into the HTTP answer at the edge.
 */
public final class AuthError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String errcode;

    public AuthError(int status, String errcode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errcode = errcode;
    }

    public int status() { return status; }

    public String errcode() { return errcode; }

    static AuthError notJson() { return new AuthError(400, "M_NOT_JSON", "Error reading request"); }

    static AuthError badJson(String message) { return new AuthError(400, "M_BAD_JSON", message); }

    static AuthError unauthorized() { return new AuthError(401, "M_UNAUTHORIZED", "The request could not be authorised."); }

    static AuthError unknown(String message) { return new AuthError(500, "M_UNKNOWN", message); }
}
