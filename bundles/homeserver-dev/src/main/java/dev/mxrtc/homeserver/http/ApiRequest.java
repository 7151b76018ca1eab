package dev.mxrtc.homeserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.core.Caller;
import java.util.Map;

/**
 * One parsed API request: path variables, query parameters, the raw body (parsed on demand, so endpoints
 * that ignore bodies never fail on them) and the authenticated caller, if any.
 */
public final class ApiRequest {
    private final String method;
    private final Map<String, String> params;
    private final Map<String, String> query;
    private final byte[] body;
    private final Caller caller;
    private JsonNode parsed;

    public ApiRequest(String method, Map<String, String> params, Map<String, String> query, byte[] body, Caller caller) {
        this.method = method;
        this.params = Map.copyOf(params);
        this.query = Map.copyOf(query);
        this.body = body.clone();
        this.caller = caller;
    }

    public String method() { return method; }

    public String param(String name) {
        String v = params.get(name);
        if (v == null) throw new IllegalStateException("route has no variable " + name);
        return v;
    }

    public String query(String name) { return query.get(name); }

    public long queryLong(String name, long dflt) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) return dflt;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw MatrixError.invalidParam("Query parameter '" + name + "' must be an integer");
        }
    }

    /** The authenticated caller; only null on routes with optional or no authentication. */
    public Caller caller() { return caller; }

    public boolean hasBody() { return body.length > 0; }

    public int bodySize() { return body.length; }

    /** The body as JSON: unparsable → {@code M_NOT_JSON}. */
    public JsonNode json() {
        if (parsed == null) parsed = Json.parseRequest(body);
        return parsed;
    }

    /** The body as a JSON object: unparsable → {@code M_NOT_JSON}, not an object → {@code M_BAD_JSON}. */
    public ObjectNode object() {
        JsonNode n = json();
        if (!n.isObject()) throw MatrixError.badJson("Body must be a JSON object");
        return (ObjectNode) n;
    }

    /** Like {@link #object()} but an empty body counts as {@code {}} (clients send no body on some POSTs). */
    public ObjectNode objectOrEmpty() {
        return hasBody() ? object() : Json.object();
    }
}
