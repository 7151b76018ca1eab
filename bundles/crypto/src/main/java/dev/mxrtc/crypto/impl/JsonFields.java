package dev.mxrtc.crypto.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.nio.charset.StandardCharsets;

/** JSON at the edge of the Matrix layer: anything malformed is a {@link Reason#BAD_MESSAGE}. */
final class JsonFields {
    /** Only reads trees (thread-safe once configured; never reconfigured). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFields() {
    }

    static JsonNode parse(String text) throws CryptoException {
        try {
            JsonNode node = JSON.readTree(text.getBytes(StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new CryptoException(Reason.BAD_MESSAGE, "not a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new CryptoException(Reason.BAD_MESSAGE, "not JSON");
        }
    }

    static ObjectNode parseObject(String text) throws CryptoException {
        return (ObjectNode) parse(text);
    }

    static String text(JsonNode object, String field) throws CryptoException {
        JsonNode value = object.path(field);
        if (!value.isTextual()) {
            throw new CryptoException(Reason.BAD_MESSAGE, "missing string field " + field);
        }
        return value.textValue();
    }
}
