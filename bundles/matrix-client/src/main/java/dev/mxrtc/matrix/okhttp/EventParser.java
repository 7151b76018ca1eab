package dev.mxrtc.matrix.okhttp;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.ToDeviceEvent;

/**
 * Parses {@code /sync} answers and client events into records, once, at the edge. Events without the fields a
 * {@link RoomEvent} needs (event id, type, sender) are skipped and logged; unknown fields are dropped except in
 * content, which stays JSON text.
 */
final class EventParser {

    private static final Logger LOG = LoggerFactory.getLogger(EventParser.class);

    /** MSC4354: stable and unstable names of the top-level sticky object, sync section and unsigned TTL. */
    static final String STICKY = "sticky";
    static final String STICKY_UNSTABLE = "msc4354_sticky";
    static final String TTL = "sticky_duration_ttl_ms";
    static final String TTL_UNSTABLE = "msc4354_sticky_duration_ttl_ms";

    private final Clock clock;

    EventParser(Clock clock) {
        this.clock = clock;
    }

    SyncBatch sync(Optional<String> since, JsonNode sync) {
        String next = sync.path("next_batch").asText("");
        if (next.isEmpty()) {
            throw new IllegalArgumentException("sync answer without next_batch");
        }
        long now = clock.millis();
        Map<String, SyncBatch.JoinedRoom> joined = new LinkedHashMap<>();
        sync.path("rooms").path("join").properties().forEach(entry -> {
            String roomId = entry.getKey();
            JsonNode room = entry.getValue();
            List<RoomEvent> state = events(roomId, room.path("state").path("events"), now, Set.of());
            List<RoomEvent> timeline = events(roomId, room.path("timeline").path("events"), now, Set.of());
            Set<String> inTimeline = new HashSet<>();
            timeline.forEach(e -> inTimeline.add(e.eventId()));
            List<RoomEvent> sticky = new ArrayList<>(events(roomId, room.path(STICKY).path("events"), now,
                    inTimeline));
            sticky.forEach(e -> inTimeline.add(e.eventId()));
            sticky.addAll(events(roomId, room.path(STICKY_UNSTABLE).path("events"), now, inTimeline));
            String prev = room.path("timeline").path("prev_batch").asText("");
            joined.put(roomId, new SyncBatch.JoinedRoom(state, timeline, sticky,
                    room.path("timeline").path("limited").asBoolean(false),
                    prev.isEmpty() ? Optional.empty() : Optional.of(prev)));
        });
        Set<String> left = new LinkedHashSet<>();
        sync.path("rooms").path("leave").fieldNames().forEachRemaining(left::add);

        List<ToDeviceEvent> toDevice = new ArrayList<>();
        for (JsonNode e : sync.path("to_device").path("events")) {
            String type = e.path("type").asText("");
            String sender = e.path("sender").asText("");
            JsonNode content = e.path("content");
            if (type.isEmpty() || !content.isObject()) {
                LOG.warn("skipping malformed to-device event of type '{}' from {}", type, sender);
                continue;
            }
            toDevice.add(new ToDeviceEvent(type, sender, content.toString()));
        }
        SyncBatch.DeviceLists deviceLists = new SyncBatch.DeviceLists(strings(sync.path("device_lists")
                .path("changed")), strings(sync.path("device_lists").path("left")));
        Map<String, Long> otk = new LinkedHashMap<>();
        sync.path("device_one_time_keys_count").properties().forEach(e -> otk.put(e.getKey(),
                e.getValue().asLong()));
        JsonNode fallback = sync.has("device_unused_fallback_key_types")
                ? sync.get("device_unused_fallback_key_types")
                : sync.path("org.matrix.msc2732.device_unused_fallback_key_types");
        Optional<List<String>> fallbackTypes = fallback.isArray()
                ? Optional.of(List.copyOf(strings(fallback)))
                : Optional.empty();
        return new SyncBatch(since, next, joined, left, toDevice, deviceLists, otk, fallbackTypes);
    }

    /** Parses an array of client events of one room, skipping ids in {@code skip}. */
    List<RoomEvent> events(String roomId, JsonNode array, long receivedTs, Set<String> skip) {
        List<RoomEvent> out = new ArrayList<>();
        for (JsonNode e : array) {
            event(roomId, e, receivedTs).filter(ev -> !skip.contains(ev.eventId())).ifPresent(out::add);
        }
        return out;
    }

    List<RoomEvent> events(String roomId, JsonNode array) {
        return events(roomId, array, clock.millis(), Set.of());
    }

    Optional<RoomEvent> event(String roomId, JsonNode e, long receivedTs) {
        String eventId = e.path("event_id").asText("");
        String type = e.path("type").asText("");
        String sender = e.path("sender").asText("");
        if (eventId.isEmpty() || type.isEmpty() || sender.isEmpty()) {
            LOG.debug("room {}: skipping event without id/type/sender (type '{}')", roomId, type);
            return Optional.empty();
        }
        JsonNode content = e.path("content");
        JsonNode stateKey = e.get("state_key");
        JsonNode unsigned = e.path("unsigned");
        return Optional.of(new RoomEvent(e.path("room_id").asText(roomId), eventId, type,
                stateKey != null && stateKey.isTextual() ? Optional.of(stateKey.asText()) : Optional.empty(),
                sender, e.path("origin_server_ts").asLong(0), content.isObject() ? content.toString() : "{}",
                firstLong(e.path(STICKY).path("duration_ms"), e.path(STICKY_UNSTABLE).path("duration_ms")),
                firstLong(unsigned.path(TTL), unsigned.path(TTL_UNSTABLE)), receivedTs));
    }

    private static OptionalLong firstLong(JsonNode stable, JsonNode unstable) {
        if (stable.canConvertToLong()) {
            return OptionalLong.of(stable.asLong());
        }
        return unstable.canConvertToLong() ? OptionalLong.of(unstable.asLong()) : OptionalLong.empty();
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : array) {
            if (n.isTextual()) {
                out.add(n.asText());
            }
        }
        return out;
    }
}
