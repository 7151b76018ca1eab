package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.store.Database;
import dev.mxrtc.homeserver.store.Database.Tx;
import java.util.List;

/**
 * Room reads for members of the room: current state, members, paginated messages and relations.
 * Pagination tokens are stream positions ({@code s<n>}), the same tokens {@code /sync} hands out.
 */
public final class RoomReads {
    private final Database db;
    private final Events events;
    private final Rooms rooms;

    public RoomReads(Database db, Events events, Rooms rooms) {
        this.db = db;
        this.events = events;
        this.rooms = rooms;
    }

    public ArrayNode state(Caller caller, String roomId) {
        return db.tx(tx -> {
            rooms.requireJoined(tx, roomId, caller.userId());
            ArrayNode out = Json.array();
            for (StoredEvent e : events.fullState(tx, roomId)) out.add(events.toJson(e, caller));
            return out;
        });
    }

    public ObjectNode stateEvent(Caller caller, String roomId, String type, String stateKey, boolean asEvent) {
        return db.tx(tx -> {
            rooms.requireJoined(tx, roomId, caller.userId());
            StoredEvent e = events.currentState(tx, roomId, type, stateKey)
                    .orElseThrow(() -> MatrixError.notFound("Event not found."));
            return asEvent ? events.toJson(e, caller) : Events.content(e);
        });
    }

    public ObjectNode members(Caller caller, String roomId, String membership, String notMembership) {
        return db.tx(tx -> {
            rooms.requireJoined(tx, roomId, caller.userId());
            ArrayNode chunk = Json.array();
            for (StoredEvent e : events.fullState(tx, roomId)) {
                if (!"m.room.member".equals(e.type())) continue;
                String m = Events.content(e).path("membership").asText();
                if (membership != null && !membership.equals(m)) continue;
                if (notMembership != null && notMembership.equals(m)) continue;
                chunk.add(events.toJson(e, caller));
            }
            ObjectNode out = Json.object();
            out.set("chunk", chunk);
            return out;
        });
    }

    public ObjectNode joinedMembers(Caller caller, String roomId) {
        return db.tx(tx -> {
            rooms.requireJoined(tx, roomId, caller.userId());
            ObjectNode joined = Json.object();
            for (StoredEvent e : events.fullState(tx, roomId)) {
                if (!"m.room.member".equals(e.type())) continue;
                ObjectNode c = Events.content(e);
                if (!"join".equals(c.path("membership").asText())) continue;
                ObjectNode m = joined.putObject(e.stateKey());
                if (c.has("displayname")) m.set("display_name", c.get("displayname"));
                if (c.has("avatar_url")) m.set("avatar_url", c.get("avatar_url"));
            }
            ObjectNode out = Json.object();
            out.set("joined", joined);
            return out;
        });
    }

    /** {@code GET /rooms/{id}/messages}: {@code dir} b (default) or f, {@code from} a stream token. */
    public ObjectNode messages(Caller caller, String roomId, String from, String dir, long limit) {
        boolean backwards = !"f".equals(dir);
        if (dir != null && !"f".equals(dir) && !"b".equals(dir)) throw MatrixError.invalidParam("dir must be b or f");
        long lim = Math.max(1, Math.min(limit, 1000));
        return db.tx(tx -> {
            rooms.requireJoined(tx, roomId, caller.userId());
            long start = from == null ? (backwards ? tx.position() : 0) : Tokens.parse(from);
            List<StoredEvent> page = backwards
                    ? tx.query("SELECT " + StoredEvent.COLUMNS + " FROM events WHERE room_id = ? AND stream_id <= ? "
                    + "ORDER BY stream_id DESC LIMIT ?", StoredEvent::read, roomId, start, lim)
                    : tx.query("SELECT " + StoredEvent.COLUMNS + " FROM events WHERE room_id = ? AND stream_id > ? "
                    + "ORDER BY stream_id ASC LIMIT ?", StoredEvent::read, roomId, start, lim);
            ObjectNode out = Json.object();
            ArrayNode chunk = out.putArray("chunk");
            for (StoredEvent e : page) chunk.add(events.toJson(e, caller));
            out.put("start", Tokens.of(start));
            if (page.size() == lim) {
                long last = page.getLast().streamId();
                out.put("end", Tokens.of(backwards ? last - 1 : last));
            }
            out.putArray("state");
            return out;
        });
    }

    /** {@code GET /rooms/{id}/relations/{eventId}[/{relType}[/{eventType}]]}, newest first by default. */
    public ObjectNode relations(Caller caller, String roomId, String eventId, String relType, String eventType,
                                String from, String dir, long limit) {
        boolean forwards = "f".equals(dir);
        long lim = Math.max(1, Math.min(limit, 1000));
        return db.tx(tx -> {
            rooms.requireJoined(tx, roomId, caller.userId());
            events.byId(tx, eventId).filter(e -> e.roomId().equals(roomId))
                    .orElseThrow(() -> MatrixError.notFound("Event not found"));
            long bound = from == null ? (forwards ? 0 : Long.MAX_VALUE) : Tokens.parse(from);
            String sql = "SELECT " + StoredEvent.COLUMNS + " FROM events WHERE room_id = ? AND rel_event_id = ? "
                    + "AND (CAST(? AS VARCHAR) IS NULL OR rel_type = ?) AND (CAST(? AS VARCHAR) IS NULL OR type = ?) AND stream_id "
                    + (forwards ? "> ? ORDER BY stream_id ASC" : "< ? ORDER BY stream_id DESC") + " LIMIT ?";
            List<StoredEvent> page = tx.query(sql, StoredEvent::read, roomId, eventId, relType, relType,
                    eventType, eventType, bound, lim + 1);
            ObjectNode out = Json.object();
            ArrayNode chunk = out.putArray("chunk");
            for (StoredEvent e : page.subList(0, (int) Math.min(page.size(), lim))) chunk.add(events.toJson(e, caller));
            if (page.size() > lim) out.put("next_batch", Tokens.of(page.get((int) lim - 1).streamId()));
            return out;
        });
    }
}
