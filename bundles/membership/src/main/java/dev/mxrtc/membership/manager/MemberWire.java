package dev.mxrtc.membership.manager;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.matrix.OutgoingEvent;

/**
 * The two membership wire formats, in one place: the events a membership manager sends, with the contents
 * matrix-js-sdk 43 sends (clients-today (a)).
 */
sealed interface MemberWire {

    String LEGACY_TYPE = "org.matrix.msc3401.call.member";
    String STICKY_UNSTABLE_TYPE = "org.matrix.msc4143.rtc.member";
    String STICKY_STABLE_TYPE = "m.rtc.member";

    ObjectMapper JSON = new ObjectMapper();

    /**
     * What one join publishes.
     *
     * @param memberId the member id (fresh per join)
     * @param application the application
     * @param transports the published transports
     * @param canSubscribe the transport types the member subscribes to
     * @param createdTs when this join started (legacy {@code created_ts})
     * @param expiresMs the legacy {@code expires}, relative to {@code createdTs}
     */
    record Join(String memberId, Application application, List<Transport> transports, List<String> canSubscribe,
            long createdTs, long expiresMs) {
        public Join {
            transports = List.copyOf(transports);
            canSubscribe = List.copyOf(canSubscribe);
        }
    }

    /** The delayed leave, scheduled before the join. */
    OutgoingEvent delayedLeave(String memberId, long delayMs);

    /** The membership itself (first join, refresh, transport update). */
    OutgoingEvent join(Join join);

    /** The leave written directly, when the delayed leave cannot be fired. */
    OutgoingEvent leave(String memberId);

    /**
     * The legacy per-device state event.
     *
     * @param roomId the room
     * @param slotId the slot; {@code m.call#ROOM} is {@code call_id ""}
     * @param userId the sender
     * @param deviceId the sender's device
     * @param underscorePrefix whether the state key starts with {@code _} (all room versions but the owned-state ones)
     */
    record Legacy(String roomId, SlotId slotId, String userId, String deviceId, boolean underscorePrefix)
            implements MemberWire {

        /** @return {@code call_id}: the slot's id part, {@code ""} for the room call */
        String callId() {
            return slotId.equals(SlotId.ROOM_CALL) ? "" : slotId.id();
        }

        /** @return {@code _{user}_{device}_{application}{callId}} */
        String stateKey() {
            return (underscorePrefix ? "_" : "") + userId + "_" + deviceId + "_" + slotId.application() + callId();
        }

        @Override
        public OutgoingEvent delayedLeave(String memberId, long delayMs) {
            return OutgoingEvent.state(roomId, LEGACY_TYPE, stateKey(), "{}").delayed(delayMs);
        }

        @Override
        public OutgoingEvent join(Join join) {
            ObjectNode c = JSON.createObjectNode();
            join.application().fields().forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
            c.put("application", join.application().type());
            c.put("call_id", callId());
            c.put("scope", "m.room");
            c.put("device_id", deviceId);
            c.put("membershipID", join.memberId());
            c.put("expires", join.expiresMs());
            String focusType = join.transports().isEmpty() ? Transport.LIVEKIT : join.transports().get(0).type();
            c.putObject("focus_active").put("type", focusType).put("focus_selection", FocusActive.OLDEST_MEMBERSHIP);
            c.set("foci_preferred", transports(join.transports()));
            c.put("created_ts", join.createdTs());
            return OutgoingEvent.state(roomId, LEGACY_TYPE, stateKey(), c.toString());
        }

        @Override
        public OutgoingEvent leave(String memberId) {
            return OutgoingEvent.state(roomId, LEGACY_TYPE, stateKey(), "{}");
        }
    }

    /**
     * The MSC4143 member as an MSC4354 sticky event.
     *
     * @param type {@link #STICKY_UNSTABLE_TYPE} or {@link #STICKY_STABLE_TYPE}
     * @param stickyDurationMs the stickiness of every event sent
     */
    record Sticky(String roomId, SlotId slotId, String userId, String deviceId, String type, long stickyDurationMs)
            implements MemberWire {

        private ObjectNode keyed(String memberId) {
            ObjectNode c = JSON.createObjectNode();
            c.put("slot_id", slotId.value());
            return c;
        }

        private void stickyKey(ObjectNode c, String memberId) {
            if (type.equals(STICKY_STABLE_TYPE)) {
                c.put("sticky_key", memberId);
            }
            c.put("msc4354_sticky_key", memberId);
        }

        @Override
        public OutgoingEvent delayedLeave(String memberId, long delayMs) {
            ObjectNode c = keyed(memberId);
            stickyKey(c, memberId);
            return OutgoingEvent.message(roomId, type, c.toString()).withTxnId(txn()).delayed(delayMs)
                    .sticky(stickyDurationMs);
        }

        @Override
        public OutgoingEvent join(Join join) {
            ObjectNode c = keyed(join.memberId());
            ObjectNode app = c.putObject("application");
            join.application().fields().forEach((k, v) -> app.set(k, JSON.valueToTree(v)));
            app.put("type", join.application().type());
            ObjectNode t = c.putObject("transports");
            t.set("published", transports(join.transports()));
            ArrayNode sub = t.putArray("can_subscribe");
            join.canSubscribe().forEach(sub::add);
            c.putObject("member").put("device_id", deviceId).put("user_id", userId).put("id", join.memberId());
            c.putArray("versions");
            stickyKey(c, join.memberId());
            return OutgoingEvent.message(roomId, type, c.toString()).withTxnId(txn()).sticky(stickyDurationMs);
        }

        @Override
        public OutgoingEvent leave(String memberId) {
            ObjectNode c = keyed(memberId);
            stickyKey(c, memberId);
            return OutgoingEvent.message(roomId, type, c.toString()).withTxnId(txn()).sticky(stickyDurationMs);
        }

        private static String txn() {
            return "mxrtc-" + UUID.randomUUID();
        }
    }

    private static ArrayNode transports(List<Transport> transports) {
        ArrayNode a = JSON.createArrayNode();
        for (Transport tr : transports) {
            ObjectNode o = a.addObject();
            o.put("type", tr.type());
            tr.fields().forEach((k, v) -> o.set(k, JSON.valueToTree(v)));
        }
        return a;
    }

    /** @return whether a room version is one of the owned-state versions whose keys drop the leading {@code _} */
    static boolean ownedStateRoomVersion(Optional<String> roomVersion) {
        return roomVersion.map(v -> v.contains("org.matrix.msc3757") || v.contains("org.matrix.msc3779"))
                .orElse(false);
    }

    /** @return the fields as a plain map, for tests */
    static Map<String, Object> parse(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(json, Map.class);
            return m;
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }
}
