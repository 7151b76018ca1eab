package dev.mxrtc.homeserver.endpoints;

/** Path prefixes shared by the endpoint groups. */
final class Paths {
    /** Client-server API v3 (and the old r0 spelling). */
    static final String V3 = "/_matrix/client/v3|r0";
    /** Endpoints that are v1 in the spec. */
    static final String V1 = "/_matrix/client/v1";

    private Paths() {}
}
