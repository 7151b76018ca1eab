package dev.mxrtc.homeserver.endpoints;

import static dev.mxrtc.homeserver.endpoints.Paths.V1;
import static dev.mxrtc.homeserver.endpoints.Paths.V3;
import static dev.mxrtc.homeserver.http.Router.Auth.NONE;
import static dev.mxrtc.homeserver.http.Router.Auth.REQUIRED;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.http.Router;

/** Discovery ({@code /versions}, {@code .well-known}, capabilities, RTC transports) and endpoints js-sdk calls that a dev server accepts and ignores. */
public final class MiscEndpoints {
    private final HomeserverConfig config;

    public MiscEndpoints(HomeserverConfig config) {
        this.config = config;
    }

    public void register(Router r) {
        r.get("/_matrix/client/versions", NONE, req -> versions());
        r.get("/.well-known/matrix/client", NONE, req -> wellKnown());
        r.get(V3 + "/capabilities", REQUIRED, req -> capabilities());
        r.get(V1 + "/rtc/transports", REQUIRED, req -> transports());
        r.get("/_matrix/client/unstable/org.matrix.msc4143/rtc/transports", REQUIRED, req -> transports());
        r.get(V3 + "/pushrules/", REQUIRED, req -> pushRules());
        r.get(V3 + "/pushrules", REQUIRED, req -> pushRules());
        r.get(V3 + "/voip/turnServer", REQUIRED, req -> {
            ObjectNode o = Json.object();
            o.putArray("uris");
            o.put("ttl", 86400);
            return o;
        });
        r.get(V3 + "/room_keys/version", REQUIRED, req -> {
            throw MatrixError.notFound("No current backup version");
        });
        r.get(V3 + "/thirdparty/protocols", REQUIRED, req -> Json.object());
        r.put(V3 + "/rooms/:roomId/typing/:userId", REQUIRED, req -> ignoreObject(req));
        r.post(V3 + "/rooms/:roomId/receipt/:receiptType/:eventId", REQUIRED, req -> ignoreObject(req));
        r.post(V3 + "/rooms/:roomId/read_markers", REQUIRED, req -> ignoreObject(req));
        r.get(V3 + "/presence/:userId/status", REQUIRED, req -> Json.object().put("presence", "online"));
        r.put(V3 + "/presence/:userId/status", REQUIRED, req -> ignoreObject(req));
    }

    private static ObjectNode ignoreObject(dev.mxrtc.homeserver.http.ApiRequest req) {
        req.objectOrEmpty(); // still reject non-JSON bodies
        return Json.object();
    }

    private ObjectNode versions() {
        ObjectNode o = Json.object();
        ArrayNode v = o.putArray("versions");
        for (String s : new String[] {"r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8",
                "v1.9", "v1.10", "v1.11", "v1.12"}) {
            v.add(s);
        }
        ObjectNode f = o.putObject("unstable_features");
        f.put("org.matrix.msc4140", true);
        f.put("org.matrix.msc4354", true);
        f.put("org.matrix.msc4143", true);
        f.put("org.matrix.msc3757", true);
        f.put("org.matrix.msc2732", true);
        f.put("org.matrix.e2e_cross_signing", true);
        return o;
    }

    private ObjectNode wellKnown() {
        ObjectNode o = Json.object();
        if (!config.publicBaseUrl().isEmpty()) o.putObject("m.homeserver").put("base_url", config.publicBaseUrl());
        ArrayNode foci = o.putArray("org.matrix.msc4143.rtc_foci");
        config.rtcTransports().forEach(t -> foci.add(Json.parseStored(t)));
        return o;
    }

    private ObjectNode capabilities() {
        ObjectNode o = Json.object();
        ObjectNode c = o.putObject("capabilities");
        c.putObject("m.change_password").put("enabled", false);
        ObjectNode versions = c.putObject("m.room_versions");
        versions.put("default", dev.mxrtc.homeserver.core.Rooms.DEFAULT_ROOM_VERSION);
        ObjectNode available = versions.putObject("available");
        dev.mxrtc.homeserver.core.Rooms.ROOM_VERSIONS.stream().sorted()
                .forEach(v -> available.put(v, v.startsWith("org.") ? "unstable" : "stable"));
        c.putObject("m.set_displayname").put("enabled", true);
        c.putObject("m.set_avatar_url").put("enabled", true);
        c.putObject("m.3pid_changes").put("enabled", false);
        c.putObject("org.matrix.msc4140.delayed_events").put("max_delay_ms", config.maxDelayMs());
        c.putObject("m.delayed_events").put("max_delay_ms", config.maxDelayMs());
        return o;
    }

    private ObjectNode transports() {
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("rtc_transports");
        config.rtcTransports().forEach(t -> arr.add(Json.parseStored(t)));
        return o;
    }

    private static ObjectNode pushRules() {
        ObjectNode o = Json.object();
        ObjectNode g = o.putObject("global");
        for (String kind : new String[] {"override", "content", "room", "sender", "underride"}) g.putArray(kind);
        return o;
    }
}
