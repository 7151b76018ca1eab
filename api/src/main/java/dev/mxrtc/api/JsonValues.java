package dev.mxrtc.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep, unmodifiable copies of JSON-shaped values (maps, lists, strings, numbers, booleans, null). */
final class JsonValues {

    private JsonValues() {
    }

    static Map<String, Object> freeze(Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, freezeValue(v)));
        return Collections.unmodifiableMap(copy);
    }

    static List<Object> freeze(List<?> list) {
        List<Object> copy = new ArrayList<>(list.size());
        list.forEach(v -> copy.add(freezeValue(v)));
        return Collections.unmodifiableList(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object freezeValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            return freeze((Map<String, ?>) m);
        }
        if (value instanceof List<?> l) {
            return freeze(l);
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
}
