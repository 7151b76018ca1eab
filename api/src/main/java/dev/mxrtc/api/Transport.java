package dev.mxrtc.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An RTC transport (legacy name: focus): its {@code type} and the type's own fields, e.g. a
 * {@code livekit} transport with {@code livekit_service_url} and, optionally, {@code livekit_alias}.
 *
 * @param type the transport type, e.g. {@code livekit}, {@code full_mesh}
 * @param fields every other field of the transport object, as JSON values (deeply unmodifiable)
 */
public record Transport(String type, Map<String, Object> fields) {

    public static final String LIVEKIT = "livekit";
    public static final String FULL_MESH = "full_mesh";
    public static final String FULL_MESH_INTO_LIVEKIT = "full_mesh_into_livekit";

    public Transport {
        Objects.requireNonNull(type, "type");
        fields = JsonValues.freeze(fields);
        if (fields.containsKey("type")) {
            throw new IllegalArgumentException("'type' is the type component, not a field");
        }
    }

    /** @return a LiveKit transport for the given service URL (and alias, if not null) */
    public static Transport livekit(String serviceUrl, String alias) {
        return alias == null
                ? new Transport(LIVEKIT, Map.of("livekit_service_url", serviceUrl))
                : new Transport(LIVEKIT, Map.of("livekit_service_url", serviceUrl, "livekit_alias", alias));
    }

    /** @return the string field {@code name}, if present and a string */
    public Optional<String> stringField(String name) {
        return fields.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
