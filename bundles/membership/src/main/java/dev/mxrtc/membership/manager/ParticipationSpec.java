package dev.mxrtc.membership.manager;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;

/**
 * One operator-configured participation ({@code etc/dev.mxrtc.membership.join-<name>.cfg}), parsed once from the
 * configuration's strings: the room, the slot, the application fields and the transports (JSON, as on the wire).
 *
 * @param name the configuration's name, for logs
 * @param roomId the room
 * @param request what to join as
 */
public record ParticipationSpec(String name, String roomId, JoinRequest request) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ParticipationSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(request, "request");
        if (!roomId.equals(request.roomId())) {
            throw new IllegalArgumentException("room " + roomId + " differs from the request's " + request.roomId());
        }
    }

    /**
     * @param name the configuration's name
     * @param room the room id ({@code !...})
     * @param slot the slot id, e.g. {@code m.call#ROOM}
     * @param applicationFields the application's own fields as a JSON object, e.g. {@code {"m.call.intent":"audio"}}
     * @param transports the published transports as a JSON array of transport objects (each with {@code type})
     * @param format {@code AUTO}, {@code LEGACY}, {@code STICKY_UNSTABLE} or {@code STICKY_STABLE}
     * @param userId the account to join with; empty: the only one
     * @throws IllegalArgumentException if a value does not parse, with what is wrong (never the value of a secret:
     *         there is none here)
     */
    public static ParticipationSpec parse(String name, String room, String slot, String applicationFields,
            String transports, String format, String userId) {
        if (room == null || !room.startsWith("!")) {
            throw new IllegalArgumentException("room must be a room id (!...), got '" + room + "'");
        }
        if (!SlotId.isValid(slot)) {
            throw new IllegalArgumentException("slot '" + slot + "' is not application#id");
        }
        SlotId slotId = new SlotId(slot);
        Map<String, Object> fields;
        List<Map<String, Object>> raw;
        try {
            fields = applicationFields.isBlank() ? Map.of()
                    : JSON.readValue(applicationFields, new TypeReference<LinkedHashMap<String, Object>>() { });
            raw = transports.isBlank() ? List.of()
                    : JSON.readValue(transports, new TypeReference<List<Map<String, Object>>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("application.fields / transports are not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("application.fields / transports: " + e.getMessage());
        }
        List<Transport> published = new ArrayList<>();
        for (Map<String, Object> t : raw) {
            if (!(t.get("type") instanceof String type)) {
                throw new IllegalArgumentException("a transport without a string 'type': " + t.keySet());
            }
            Map<String, Object> rest = new LinkedHashMap<>(t);
            rest.remove("type");
            published.add(new Transport(type, rest));
        }
        MembershipFormat f;
        try {
            f = MembershipFormat.valueOf(format.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format must be AUTO, LEGACY, STICKY_UNSTABLE or STICKY_STABLE, got '"
                    + format + "'");
        }
        Optional<String> user = userId == null || userId.isBlank() ? Optional.empty() : Optional.of(userId.trim());
        JoinRequest request = new JoinRequest(user, room, slotId, new Application(slotId.application(), fields),
                published, List.of(), f);
        return new ParticipationSpec(name, room, request);
    }
}
