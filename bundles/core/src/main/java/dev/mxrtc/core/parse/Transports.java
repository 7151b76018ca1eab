package dev.mxrtc.core.parse;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Transport;

/** Transport arrays ({@code transports.published}, {@code foci_preferred}): objects with a string {@code type}. */
final class Transports {

    private Transports() {
    }

    static List<Transport> list(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw ContentError.field(path, node, "an array of transport objects");
        }
        List<Transport> out = new ArrayList<>(node.size());
        for (JsonNode t : node) {
            if (!t.isObject() || !t.path("type").isTextual()) {
                throw ContentError.field(path, node, "an array of objects with a string type");
            }
            out.add(new Transport(t.get("type").textValue(), Json.toMap(t, "type")));
        }
        return out;
    }
}
