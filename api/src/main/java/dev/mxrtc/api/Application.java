package dev.mxrtc.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The application a member runs in a slot: its type (e.g. {@code m.call}) and its app-specific fields
 * (e.g. {@code m.call.intent}). Unknown fields are kept for the application, never interpreted by the core.
 *
 * @param type the application type
 * @param fields the other fields, as JSON values (deeply unmodifiable)
 */
public record Application(String type, Map<String, Object> fields) {

    /** The call application of MSC4196. */
    public static final String M_CALL = "m.call";

    public Application {
        Objects.requireNonNull(type, "type");
        fields = JsonValues.freeze(fields);
        if (fields.containsKey("type")) {
            throw new IllegalArgumentException("'type' is the type component, not a field");
        }
    }

    public static Application of(String type) {
        return new Application(type, Map.of());
    }

    /** @return the string field {@code name}, if present and a string */
    public Optional<String> stringField(String name) {
        return fields.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
