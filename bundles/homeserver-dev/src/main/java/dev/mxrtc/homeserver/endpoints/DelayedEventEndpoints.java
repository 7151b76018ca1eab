package dev.mxrtc.homeserver.endpoints;

import static dev.mxrtc.homeserver.endpoints.Paths.V1;
import static dev.mxrtc.homeserver.http.Router.Auth.OPTIONAL;
import static dev.mxrtc.homeserver.http.Router.Auth.REQUIRED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.core.DelayedEvents;
import dev.mxrtc.homeserver.core.DelayedEvents.Action;
import dev.mxrtc.homeserver.http.ApiRequest;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.http.Router;
import java.util.Locale;

/**
 * MSC4140 management: action in the path ({@code POST …/delayed_events/{id}/{action}}) and the older action in
 * the body ({@code POST …/delayed_events/{id}} with {@code {"action":…}}), on the unstable prefix and stable v1;
 * list and get. Actions may be unauthenticated (the delay id is the capability, as lk-jwt-service uses it).
 */
public final class DelayedEventEndpoints {
    private final DelayedEvents delayed;

    public DelayedEventEndpoints(DelayedEvents delayed) {
        this.delayed = delayed;
    }

    public void register(Router r) {
        for (String prefix : new String[] {"/_matrix/client/unstable/org.matrix.msc4140", V1}) {
            r.post(prefix + "/delayed_events/:delayId/:action", OPTIONAL, this::actionInPath);
            r.post(prefix + "/delayed_events/:delayId", OPTIONAL, this::actionInBody);
            r.get(prefix + "/delayed_events/:delayId", REQUIRED, req -> delayed.get(req.caller(), req.param("delayId")));
            r.get(prefix + "/delayed_events", REQUIRED,
                    req -> delayed.list(req.caller(), req.query("status"), req.query("delay_id")));
        }
    }

    private ObjectNode actionInPath(ApiRequest req) {
        req.objectOrEmpty();
        delayed.act(req.caller(), req.param("delayId"), parse(req.param("action")));
        return Json.object();
    }

    private ObjectNode actionInBody(ApiRequest req) {
        if (!req.hasBody()) throw MatrixError.notJson("Body must be JSON with an 'action'");
        ObjectNode body = req.object();
        JsonNode action = body.get("action");
        if (action == null || action.isNull()) throw MatrixError.missingParam("Missing 'action'");
        if (!action.isTextual()) throw MatrixError.invalidParam("'action' must be send, cancel or restart");
        delayed.act(req.caller(), req.param("delayId"), parse(action.asText()));
        return Json.object();
    }

    private static Action parse(String action) {
        return switch (action) {
            case "send" -> Action.SEND;
            case "cancel" -> Action.CANCEL;
            case "restart" -> Action.RESTART;
            default -> throw MatrixError.invalidParam("Unknown action '" + action.toLowerCase(Locale.ROOT)
                    + "': expected send, cancel or restart");
        };
    }
}
