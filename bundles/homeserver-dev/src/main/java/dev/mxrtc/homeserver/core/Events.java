package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.store.Database.Reads;
import dev.mxrtc.homeserver.store.Database.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Appends events to the stream and serves them as client JSON. Appending a state event also updates the
 * room's current state and cancels pending delayed state events of <em>other</em> users at the same
 * (type, state_key) (Synapse behaviour for MSC4140: someone else's newer state supersedes them).
 */
public final class Events {

    /** What a caller wants appended; {@code stateKey} null for message events. */
    public record NewEvent(String roomId, String type, String stateKey, String sender, ObjectNode content,
                           String redacts, Long stickyMs, String txnDevice, String txnId, String delayId) {
        public static NewEvent message(String roomId, String type, String sender, ObjectNode content) {
            return new NewEvent(roomId, type, null, sender, content, null, null, null, null, null);
        }

        public static NewEvent state(String roomId, String type, String stateKey, String sender, ObjectNode content) {
            return new NewEvent(roomId, type, stateKey, sender, content, null, null, null, null, null);
        }
    }

    private final Ids ids;
    private final Clock clock;

    public Events(Ids ids, Clock clock) {
        this.ids = ids;
        this.clock = clock;
    }

    public StoredEvent append(Tx tx, NewEvent e) throws SQLException {
        // who can see it in /sync: the room's joined members, and the subject of a membership change
        Set<String> audience = new HashSet<>(tx.query("SELECT state_key FROM room_state WHERE room_id = ? "
                + "AND type = 'm.room.member' AND membership = 'join'", rs -> rs.getString(1), e.roomId()));
        if ("m.room.member".equals(e.type()) && e.stateKey() != null) audience.add(e.stateKey());
        long stream = tx.nextStreamIdFor(audience);
        String eventId = ids.eventId();
        long now = clock.millis();
        String prev = null;
        if (e.stateKey() != null) {
            prev = currentState(tx, e.roomId(), e.type(), e.stateKey()).map(StoredEvent::content).orElse(null);
        }
        JsonNode rel = e.content().path("m.relates_to");
        String relEvent = rel.path("event_id").isTextual() ? rel.path("event_id").asText() : null;
        String relType = rel.path("rel_type").isTextual() ? rel.path("rel_type").asText() : null;
        String content = Json.write(e.content());
        tx.update("INSERT INTO events (" + StoredEvent.COLUMNS + ", rel_event_id, rel_type) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                stream, eventId, e.roomId(), e.type(), e.stateKey(), e.sender(), now, content, prev, e.redacts(),
                e.stickyMs(), e.txnDevice(), e.txnId(), e.delayId(), relEvent, relType);
        if (e.stateKey() != null) {
            String membership = "m.room.member".equals(e.type()) ? e.content().path("membership").asText(null) : null;
            tx.update("MERGE INTO room_state (room_id, type, state_key, event_id, stream_id, membership) KEY (room_id, type, state_key) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", e.roomId(), e.type(), e.stateKey(), eventId, stream, membership);
            tx.update("UPDATE delayed_events SET status = 'cancelled', finalised_ts = ? WHERE status = 'scheduled' "
                    + "AND room_id = ? AND type = ? AND state_key = ? AND user_id <> ?",
                    now, e.roomId(), e.type(), e.stateKey(), e.sender());
        }
        if (e.redacts() != null) {
            tx.update("UPDATE events SET redacted_by = ? WHERE event_id = ? AND room_id = ?", eventId, e.redacts(), e.roomId());
        }
        return new StoredEvent(stream, eventId, e.roomId(), e.type(), e.stateKey(), e.sender(), now, content, prev,
                e.redacts(), null, e.stickyMs(), e.txnDevice(), e.txnId(), e.delayId());
    }

    public Optional<StoredEvent> currentState(Tx tx, String roomId, String type, String stateKey) throws SQLException {
        return tx.queryOne("SELECT " + cols("e") + " FROM room_state s JOIN events e ON e.event_id = s.event_id "
                + "WHERE s.room_id = ? AND s.type = ? AND s.state_key = ?", StoredEvent::read, roomId, type, stateKey);
    }

    public List<StoredEvent> fullState(Reads tx, String roomId) throws SQLException {
        return tx.query("SELECT " + cols("e") + " FROM room_state s JOIN events e ON e.event_id = s.event_id "
                + "WHERE s.room_id = ? ORDER BY e.stream_id", StoredEvent::read, roomId);
    }

    public Optional<StoredEvent> byId(Tx tx, String eventId) throws SQLException {
        return tx.queryOne("SELECT " + StoredEvent.COLUMNS + " FROM events WHERE event_id = ?", StoredEvent::read, eventId);
    }

    /** The content as clients see it: redacted events keep only the keys the redaction algorithm keeps. */
    public static ObjectNode content(StoredEvent e) {
        ObjectNode content = (ObjectNode) Json.parseStored(e.content());
        return e.redactedBy() == null ? content : redact(e.type(), content);
    }

    /** Serialises an event for {@code viewer} (whose device sees its own transaction id and delay id). */
    public ObjectNode toJson(StoredEvent e, Caller viewer) {
        long now = clock.millis();
        ObjectNode o = Json.object();
        o.put("event_id", e.eventId());
        o.put("room_id", e.roomId());
        o.put("type", e.type());
        o.put("sender", e.sender());
        o.put("origin_server_ts", e.originTs());
        o.set("content", content(e));
        if (e.stateKey() != null) o.put("state_key", e.stateKey());
        if (e.redacts() != null) o.put("redacts", e.redacts());
        ObjectNode unsigned = o.putObject("unsigned");
        unsigned.put("age", Math.max(0, now - e.originTs()));
        if (e.prevContent() != null) unsigned.set("prev_content", Json.parseStored(e.prevContent()));
        if (e.redactedBy() != null) {
            ObjectNode because = unsigned.putObject("redacted_because");
            because.put("event_id", e.redactedBy());
            because.put("type", "m.room.redaction");
        }
        if (viewer != null && viewer.userId().equals(e.sender())) {
            if (e.txnId() != null && viewer.deviceId().equals(e.txnDevice())) unsigned.put("transaction_id", e.txnId());
            if (e.delayId() != null) unsigned.put("org.matrix.msc4140.delay_id", e.delayId());
        }
        if (e.stickyMs() != null && e.redactedBy() == null) {
            o.putObject("msc4354_sticky").put("duration_ms", e.stickyMs());
            long ttl = e.originTs() + e.stickyMs() - now;
            if (ttl > 0) unsigned.put("msc4354_sticky_duration_ttl_ms", ttl);
        }
        return o;
    }

    static String cols(String alias) {
        StringBuilder sb = new StringBuilder();
        for (String c : StoredEvent.COLUMNS.split(",\\s*")) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(alias).append('.').append(c);
        }
        return sb.toString();
    }

    private static final Set<String> KEEP_MEMBER = Set.of("membership", "join_authorised_via_users_server");
    private static final Set<String> KEEP_JOIN_RULES = Set.of("join_rule", "allow");
    private static final Set<String> KEEP_POWER = Set.of("ban", "events", "events_default", "invite", "kick",
            "redact", "state_default", "users", "users_default");

    static ObjectNode redact(String type, ObjectNode content) {
        Set<String> keep = switch (type) {
            case "m.room.member" -> KEEP_MEMBER;
            case "m.room.join_rules" -> KEEP_JOIN_RULES;
            case "m.room.power_levels" -> KEEP_POWER;
            case "m.room.history_visibility" -> Set.of("history_visibility");
            case "m.room.create" -> null;
            default -> Set.of();
        };
        if (keep == null) return content;
        ObjectNode out = Json.object();
        content.properties().forEach(en -> {
            if (keep.contains(en.getKey())) out.set(en.getKey(), en.getValue());
        });
        return out;
    }
}
