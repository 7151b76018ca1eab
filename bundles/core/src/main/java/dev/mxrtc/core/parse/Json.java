package dev.mxrtc.core.parse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON text to trees and trees to plain Java values (maps, lists, strings, numbers, booleans, null). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** @return the shared mapper (thread-safe once configured; never reconfigured) */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @return the parsed tree, or empty if {@code text} is not JSON */
    public static Optional<JsonNode> parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return the value as plain Java (LinkedHashMap, ArrayList, String, Long/BigInteger/Double, Boolean, null) */
    public static Object toJava(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            return toMap(node, null);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(v -> list.add(toJava(v)));
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    /** @return the object's fields as a map, without the field {@code skip} (may be null) */
    public static Map<String, Object> toMap(JsonNode object, String skip) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals(skip)) {
                map.put(e.getKey(), toJava(e.getValue()));
            }
        }
        return map;
    }

    /** @return a tree for a plain Java value */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** @return a new, empty object node */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** @return the UTF-8 length of {@code s}, counting at most up to {@code limit + 1} */
    public static int utf8Length(String s, int limit) {
        if (s.length() > limit) {
            return s.length(); // every char is at least one byte
        }
        int bytes = 0;
        for (int i = 0; i < s.length() && bytes <= limit; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
