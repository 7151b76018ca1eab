package dev.mxrtc.homeserver.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the homeserver and small helpers for reading request bodies strictly. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static ObjectNode object() { return NODES.objectNode(); }
    public static ArrayNode array() { return NODES.arrayNode(); }

    /** Parses stored JSON (written by this server, so it is valid). */
    public static JsonNode parseStored(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored JSON", e);
        }
    }

    /** Parses a request body: unparsable → {@code M_NOT_JSON}. */
    public static JsonNode parseRequest(byte[] body) {
        if (body.length == 0) throw MatrixError.notJson("Content not JSON.");
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) throw MatrixError.notJson("Content not JSON.");
            return node;
        } catch (java.io.IOException e) {
            throw MatrixError.notJson("Content not JSON.");
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Required object member: absent → {@code M_MISSING_PARAM}, other type → {@code M_BAD_JSON}. */
    public static ObjectNode requireObject(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) throw MatrixError.missingParam("Missing '" + field + "'");
        if (!n.isObject()) throw MatrixError.badJson("'" + field + "' must be an object");
        return (ObjectNode) n;
    }

    /** Optional object member: absent → null, other type → {@code M_BAD_JSON}. */
    public static ObjectNode optObject(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw MatrixError.badJson("'" + field + "' must be an object");
        return (ObjectNode) n;
    }

    public static String requireString(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) throw MatrixError.missingParam("Missing '" + field + "'");
        if (!n.isTextual()) throw MatrixError.badJson("'" + field + "' must be a string");
        return n.asText();
    }

    public static String optString(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw MatrixError.badJson("'" + field + "' must be a string");
        return n.asText();
    }

    public static ArrayNode optArray(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw MatrixError.badJson("'" + field + "' must be an array");
        return (ArrayNode) n;
    }

    public static boolean optBoolean(JsonNode parent, String field, boolean dflt) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw MatrixError.badJson("'" + field + "' must be a boolean");
        return n.asBoolean();
    }
}
