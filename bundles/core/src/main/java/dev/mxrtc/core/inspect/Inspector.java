package dev.mxrtc.core.inspect;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.core.parse.Json;
import dev.mxrtc.core.parse.MembershipParser;
import dev.mxrtc.core.session.ComputedSession;
import dev.mxrtc.core.session.Entry;
import dev.mxrtc.core.session.EntryRef;
import dev.mxrtc.core.session.EntryStatus;
import dev.mxrtc.core.session.RoomEngine;
import dev.mxrtc.core.session.Selections;

/**
 * {@code mxrtc inspect}: the sessions a room's events make at an instant, and every MatrixRTC event that
 * was ignored, with its reason. Runs the same parser and engine as the runtime, without OSGi.
 *
 * <p>Input {@code {"room_id", "events": [client-format events]}}; every event counts as received at
 * {@code now}. Output: see {@code docs/core.md}.
 */
public final class Inspector {

    private final List<FocusSelection> selections = new ArrayList<>();

    public Inspector(Iterable<FocusSelection> selections) {
        selections.forEach(this.selections::add);
    }

    /** @return an inspector with the focus selection algorithms found by {@link ServiceLoader} */
    public static Inspector withServiceLoader() {
        return new Inspector(ServiceLoader.load(FocusSelection.class, Inspector.class.getClassLoader()));
    }

    /**
     * @param inputJson {@code {"room_id": "...", "events": [...]}}
     * @param nowMs the instant to compute at, also the receive time of every event
     * @return the result, pretty JSON
     * @throws IllegalArgumentException if the input is not JSON, not an object, or lacks room_id/events
     */
    public String inspect(String inputJson, long nowMs) {
        return inspect(Json.parse(inputJson).orElseThrow(() -> new IllegalArgumentException("input is not JSON")),
                nowMs);
    }

    /**
     * @param input the parsed input, {@code {"room_id": "...", "events": [...]}}
     * @param nowMs the instant to compute at, also the receive time of every event
     * @return the result, pretty JSON
     * @throws IllegalArgumentException if the input is not an object or lacks room_id/events
     */
    public String inspect(JsonNode input, long nowMs) {
        if (input == null || !input.isObject()) {
            throw new IllegalArgumentException("input is not a JSON object");
        }
        if (!input.path("room_id").isTextual()) {
            throw new IllegalArgumentException("input lacks a string room_id");
        }
        if (!input.path("events").isArray()) {
            throw new IllegalArgumentException("input lacks an events array");
        }
        String roomId = input.get("room_id").textValue();
        MembershipParser parser = new MembershipParser();
        RoomEngine engine = new RoomEngine(roomId, new Selections(selections));
        List<Object[]> outcomes = new ArrayList<>(); // {eventId, Outcome or reason}
        for (JsonNode e : input.get("events")) {
            InspectInput.Read read = InspectInput.read(roomId, e, nowMs);
            if (read.event() == null) {
                outcomes.add(new Object[] {read.eventId(), read.error()});
            } else {
                outcomes.add(new Object[] {read.eventId(), engine.apply(parser.parse(read.event()), nowMs)});
            }
        }
        engine.drain();

        ObjectNode out = Json.object();
        ArrayNode sessions = out.putArray("sessions");
        for (ComputedSession s : engine.sessions().values()) {
            sessions.add(session(s));
        }
        ArrayNode rejected = out.putArray("rejected");
        Set<String> listed = new HashSet<>();
        for (Object[] o : outcomes) {
            String eventId = (String) o[0];
            Optional<String> reason = reason(engine, eventId, o[1]);
            if (reason.isPresent() && (eventId.isEmpty() || listed.add(eventId))) {
                rejected.addObject().put("event_id", eventId).put("reason", reason.get());
            }
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static Optional<String> reason(RoomEngine engine, String eventId, Object outcome) {
        if (outcome instanceof String reason) {
            return Optional.of(reason);
        }
        return switch ((RoomEngine.Outcome) outcome) {
            case RoomEngine.Outcome.Rejected r -> Optional.of(r.reason());
            case RoomEngine.Outcome.Duplicate d -> Optional.empty();
            case RoomEngine.Outcome.Applied a -> Optional.empty();
            case RoomEngine.Outcome.Stored s -> {
                EntryRef ref = s.ref();
                Entry current = engine.state().entry(ref);
                if (current == null) {
                    yield Optional.of("expired");
                }
                if (!current.eventId().equals(eventId)) {
                    yield Optional.of("superseded");
                }
                yield engine.state().evaluate(ref, engine.now()) instanceof EntryStatus.Excluded x
                        ? Optional.of(x.reason()) : Optional.empty();
            }
        };
    }

    private static ObjectNode session(ComputedSession s) {
        ObjectNode node = Json.object();
        node.put("slot_id", s.slotId().value());
        node.put("application", s.slotId().application());
        ArrayNode members = node.putArray("members");
        for (Member m : s.members()) {
            members.addObject()
                    .put("user_id", m.userId())
                    .put("device_id", m.deviceId())
                    .put("member_id", m.memberId())
                    .put("created_ts", m.createdTs())
                    .put("expires_ts", m.expiresTs())
                    .put("format", m.format().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (s.activeTransport().isPresent()) {
            node.set("active_transport", transport(s.activeTransport().get()));
        } else {
            node.putNull("active_transport");
        }
        return node;
    }

    static ObjectNode transport(Transport t) {
        ObjectNode node = Json.object();
        node.put("type", t.type());
        for (Map.Entry<String, Object> f : t.fields().entrySet()) {
            node.set(f.getKey(), Json.toTree(f.getValue()));
        }
        return node;
    }
}
