package dev.mxrtc.core.inspect;

import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.core.parse.Json;

/** Client-format events (as {@code /sync} delivers them) to {@link RoomEvent}s; {@code now} is the receive time. */
final class InspectInput {

    /** An input event: the room event, or why it could not be read as one. */
    record Read(String eventId, RoomEvent event, String error) {
    }

    private InspectInput() {
    }

    static Read read(String roomId, JsonNode e, long nowMs) {
        if (!e.isObject()) {
            return new Read("", null, "malformed_event");
        }
        String eventId = e.path("event_id").isTextual() ? e.get("event_id").textValue() : "";
        if (eventId.isEmpty() || !e.path("type").isTextual() || !e.path("sender").isTextual()
                || !e.path("origin_server_ts").isIntegralNumber() || !e.has("content")
                || (e.has("state_key") && !e.get("state_key").isTextual())) {
            return new Read(eventId, null, "malformed_event");
        }
        if (e.has("room_id") && !roomId.equals(e.get("room_id").asText())) {
            return new Read(eventId, null, "room_mismatch");
        }
        JsonNode sticky = e.has("msc4354_sticky") ? e.get("msc4354_sticky") : e.path("sticky");
        OptionalLong duration = sticky.path("duration_ms").isNumber()
                ? OptionalLong.of(sticky.get("duration_ms").asLong()) : OptionalLong.empty();
        JsonNode unsigned = e.path("unsigned");
        JsonNode ttlNode = unsigned.has("msc4354_sticky_duration_ttl_ms")
                ? unsigned.get("msc4354_sticky_duration_ttl_ms") : unsigned.path("sticky_duration_ttl_ms");
        OptionalLong ttl = ttlNode.isNumber() ? OptionalLong.of(ttlNode.asLong()) : OptionalLong.empty();
        String content;
        try {
            content = Json.mapper().writeValueAsString(e.get("content"));
        } catch (Exception ex) {
            return new Read(eventId, null, "malformed_event");
        }
        Optional<String> stateKey = e.has("state_key") ? Optional.of(e.get("state_key").textValue())
                : Optional.empty();
        return new Read(eventId, new RoomEvent(roomId, eventId, e.get("type").textValue(), stateKey,
                e.get("sender").textValue(), e.get("origin_server_ts").asLong(), content, duration, ttl, nowMs), null);
    }
}
