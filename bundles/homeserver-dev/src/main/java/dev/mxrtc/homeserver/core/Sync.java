package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.store.Database;
import dev.mxrtc.homeserver.store.Database.Reads;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /sync}: initial and incremental, long-polling without holding the database lock, and computed on a
 * read snapshot ({@link Database#read}), so without the writer lock too. The one write a sync causes, deleting the
 * to-device messages its since token acknowledges, happens off the answer path ({@link ToDeviceAcks}).
 *
 * <p>Per joined room: {@code timeline} (the last {@code limit} events, {@code limited} and {@code prev_batch}),
 * {@code state} (full state minus the timeline on initial sync or a new join; the gap's state changes on a
 * limited incremental sync), MSC4354 {@code msc4354_sticky.events} (unexpired sticky events in the window,
 * regardless of the timeline limit, minus those already in the timeline), room account data, {@code summary} (only
 * when the room is sent in full or its membership changed in the window, as the spec allows: it cost a query per room
 * per answer) and
 * empty {@code ephemeral}/{@code unread_notifications}. Invites carry stripped state; left rooms their timeline
 * up to the leave. To-device messages are delivered until a later {@code since} acknowledges them.
 */
public final class Sync {
    private static final int DEFAULT_TIMELINE_LIMIT = 10;
    private static final long MAX_TIMEOUT_MS = 120_000;
    private static final Set<String> INVITE_STATE = Set.of("m.room.create", "m.room.join_rules", "m.room.name",
            "m.room.avatar", "m.room.encryption", "m.room.canonical_alias", "m.room.topic");

    private final Database db;
    private final Events events;
    private final Keys keys;
    private final AccountData accountData;
    private final StreamNotifier notifier;
    private final Clock clock;
    private final ToDeviceAcks acks;

    public Sync(Database db, Events events, Keys keys, AccountData accountData, StreamNotifier notifier, Clock clock,
            ToDeviceAcks acks) {
        this.db = db;
        this.events = events;
        this.keys = keys;
        this.accountData = accountData;
        this.notifier = notifier;
        this.clock = clock;
        this.acks = acks;
    }

    private record Options(int limit, boolean lazyMembers, boolean fullState) {}

    /** @param acknowledged to-device messages at or before the since token are still stored (to delete) */
    private record Result(ObjectNode body, boolean empty, long position, boolean acknowledged, long from) {}

    public ObjectNode sync(Caller caller, String since, long timeoutMs, JsonNode filter, boolean fullState)
            throws InterruptedException {
        Long from = since == null ? null : Tokens.parse(since);
        JsonNode roomFilter = filter.path("room");
        int limit = roomFilter.path("timeline").path("limit").asInt(DEFAULT_TIMELINE_LIMIT);
        Options options = new Options(Math.max(1, Math.min(limit, 1000)),
                roomFilter.path("state").path("lazy_load_members").asBoolean(false), fullState);
        long deadline = System.nanoTime() + Math.max(0, Math.min(timeoutMs, MAX_TIMEOUT_MS)) * 1_000_000L;
        // A client polls again right after each answer. If nothing it may see was written after its since token,
        // computing would only find that out after a full round of queries: wait first (under load this halved the
        // number of /sync computations, one per delivery instead of two). full_state always answers at once.
        long waitAfter = from == null || fullState ? -1 : from;
        while (true) {
            if (waitAfter >= 0) notifier.awaitBeyond(caller.userId(), waitAfter, deadline);
            long acked = acks.ackedUpTo(caller); // before the snapshot: see ToDeviceAcks
            Result r = db.read(reads -> compute(reads, caller, from, acked, options));
            if (r.acknowledged()) acks.acknowledge(caller, r.from());
            if (from == null || !r.empty() || System.nanoTime() >= deadline) return r.body();
            waitAfter = r.position();
        }
    }

    private Result compute(Reads tx, Caller caller, Long sinceOrNull, long acked, Options opt) throws SQLException {
        long now = tx.position();
        boolean initial = sinceOrNull == null;
        long from = initial ? 0 : Math.min(sinceOrNull, now);
        boolean empty = true;
        ObjectNode out = Json.object();
        out.put("next_batch", Tokens.of(now));
        ObjectNode rooms = out.putObject("rooms");
        ObjectNode join = rooms.putObject("join");
        ObjectNode invite = rooms.putObject("invite");
        ObjectNode leave = rooms.putObject("leave");

        record Membership(String roomId, String membership, long stream) {}
        List<Membership> memberships = tx.query("SELECT room_id, membership, stream_id FROM room_state "
                + "WHERE type = 'm.room.member' AND state_key = ?",
                rs -> new Membership(rs.getString(1), rs.getString(2), rs.getLong(3)), caller.userId());
        for (Membership m : memberships) {
            boolean changed = m.stream() > from;
            switch (m.membership()) {
                case "join" -> {
                    ObjectNode room = joinedRoom(tx, caller, m.roomId(), initial || changed || opt.fullState(), from, now, opt);
                    if (room != null) {
                        join.set(m.roomId(), room);
                        empty = false;
                    }
                }
                case "invite" -> {
                    if (initial || changed) {
                        invite.putObject(m.roomId()).putObject("invite_state").set("events", inviteState(tx, m.roomId(), caller.userId()));
                        empty = false;
                    }
                }
                default -> {
                    if (!initial && changed) {
                        leave.set(m.roomId(), leftRoom(tx, caller, m.roomId(), from, m.stream(), opt));
                        empty = false;
                    }
                }
            }
        }

        ArrayNode toDevice = out.putObject("to_device").putArray("events");
        keys.toDeviceFor(tx, caller, Math.max(from, acked), now).forEach(toDevice::add);
        boolean acknowledged = !initial && from > acked && keys.hasAcknowledged(tx, caller, from);
        if (!toDevice.isEmpty()) empty = false;
        ObjectNode deviceLists = out.putObject("device_lists");
        ArrayNode changedUsers = deviceLists.putArray("changed");
        deviceLists.putArray("left");
        if (!initial) keys.changedSince(tx, caller, from, now).forEach(changedUsers::add);
        if (!changedUsers.isEmpty()) empty = false;
        out.set("device_one_time_keys_count", keys.otkCounts(tx, caller));
        ArrayNode fallback = Json.array();
        keys.unusedFallbackTypes(tx, caller).forEach(fallback::add);
        out.set("device_unused_fallback_key_types", fallback);
        out.set("org.matrix.msc2732.device_unused_fallback_key_types", fallback.deepCopy());
        ArrayNode globalData = accountData.since(tx, caller.userId(), "", from, now);
        out.putObject("account_data").set("events", globalData);
        if (!globalData.isEmpty()) empty = false;
        out.putObject("presence").putArray("events");
        return new Result(out, empty, now, acknowledged, from);
    }

    private ObjectNode joinedRoom(Reads tx, Caller caller, String roomId, boolean full, long from, long now, Options opt)
            throws SQLException {
        long after = full ? 0 : from;
        List<StoredEvent> recent = tx.query("SELECT " + StoredEvent.COLUMNS + " FROM events WHERE room_id = ? "
                + "AND stream_id > ? AND stream_id <= ? ORDER BY stream_id DESC LIMIT ?", StoredEvent::read,
                roomId, after, now, opt.limit() + 1);
        boolean limited = recent.size() > opt.limit();
        List<StoredEvent> timeline = new ArrayList<>(recent.subList(0, Math.min(recent.size(), opt.limit())));
        Collections.reverse(timeline);
        Set<String> inTimeline = new HashSet<>();
        timeline.forEach(e -> inTimeline.add(e.eventId()));

        long nowMs = clock.millis();
        List<StoredEvent> sticky = tx.query("SELECT " + StoredEvent.COLUMNS + " FROM events WHERE room_id = ? "
                + "AND sticky_ms IS NOT NULL AND redacted_by IS NULL AND stream_id > ? AND stream_id <= ? "
                + "AND origin_ts + sticky_ms > ? ORDER BY stream_id", StoredEvent::read, roomId, after, now, nowMs);
        sticky.removeIf(e -> inTimeline.contains(e.eventId()));
        ArrayNode roomData = accountData.since(tx, caller.userId(), roomId, after, now);
        if (!full && timeline.isEmpty() && sticky.isEmpty() && roomData.isEmpty()) return null;

        List<StoredEvent> state = new ArrayList<>();
        if (full) {
            Set<String> senders = new HashSet<>();
            timeline.forEach(e -> senders.add(e.sender()));
            senders.add(caller.userId());
            for (StoredEvent e : events.fullState(tx, roomId)) {
                if (inTimeline.contains(e.eventId())) continue;
                if (opt.lazyMembers() && "m.room.member".equals(e.type()) && !senders.contains(e.stateKey())) continue;
                state.add(e);
            }
        } else if (limited) {
            long firstTimeline = timeline.getFirst().streamId();
            for (StoredEvent e : events.fullState(tx, roomId)) {
                if (e.streamId() > from && e.streamId() < firstTimeline && !inTimeline.contains(e.eventId())) state.add(e);
            }
        }

        ObjectNode room = Json.object();
        room.putObject("state").set("events", toJson(state, caller));
        ObjectNode tl = room.putObject("timeline");
        tl.set("events", toJson(timeline, caller));
        tl.put("limited", limited);
        long prev = timeline.isEmpty() ? now : timeline.getFirst().streamId() - 1;
        tl.put("prev_batch", Tokens.of(prev));
        room.putObject("msc4354_sticky").set("events", toJson(sticky, caller));
        room.putObject("ephemeral").putArray("events");
        room.putObject("account_data").set("events", roomData);
        ObjectNode unread = room.putObject("unread_notifications");
        unread.put("highlight_count", 0);
        unread.put("notification_count", 0);
        if (full || hasMemberEvent(timeline) || hasMemberEvent(state)) room.set("summary", summary(tx, roomId, caller.userId()));
        return room;
    }

    private ObjectNode leftRoom(Reads tx, Caller caller, String roomId, long from, long leftAt, Options opt) throws SQLException {
        List<StoredEvent> recent = tx.query("SELECT " + StoredEvent.COLUMNS + " FROM events WHERE room_id = ? "
                + "AND stream_id > ? AND stream_id <= ? ORDER BY stream_id DESC LIMIT ?", StoredEvent::read,
                roomId, from, leftAt, opt.limit() + 1);
        boolean limited = recent.size() > opt.limit();
        List<StoredEvent> timeline = new ArrayList<>(recent.subList(0, Math.min(recent.size(), opt.limit())));
        Collections.reverse(timeline);
        ObjectNode room = Json.object();
        room.putObject("state").putArray("events");
        ObjectNode tl = room.putObject("timeline");
        tl.set("events", toJson(timeline, caller));
        tl.put("limited", limited);
        tl.put("prev_batch", Tokens.of(timeline.isEmpty() ? leftAt : timeline.getFirst().streamId() - 1));
        room.putObject("account_data").putArray("events");
        return room;
    }

    private ArrayNode inviteState(Reads tx, String roomId, String userId) throws SQLException {
        ArrayNode out = Json.array();
        for (StoredEvent e : events.fullState(tx, roomId)) {
            boolean mine = "m.room.member".equals(e.type()) && userId.equals(e.stateKey());
            if (!INVITE_STATE.contains(e.type()) && !mine) continue;
            ObjectNode s = out.addObject();
            s.put("type", e.type());
            s.put("state_key", e.stateKey());
            s.put("sender", e.sender());
            s.set("content", Events.content(e));
            if (mine) {
                s.put("event_id", e.eventId());
                s.put("origin_server_ts", e.originTs());
            }
        }
        return out;
    }

    private static boolean hasMemberEvent(List<StoredEvent> list) {
        for (StoredEvent e : list) {
            if ("m.room.member".equals(e.type())) return true;
        }
        return false;
    }

    private ObjectNode summary(Reads tx, String roomId, String userId) throws SQLException {
        List<String[]> members = tx.query("SELECT state_key, membership FROM room_state WHERE room_id = ? "
                + "AND type = 'm.room.member' ORDER BY stream_id", rs -> new String[] {rs.getString(1), rs.getString(2)}, roomId);
        ObjectNode s = Json.object();
        ArrayNode heroes = s.putArray("m.heroes");
        long joined = 0;
        long invited = 0;
        for (String[] m : members) {
            if ("join".equals(m[1])) joined++;
            if ("invite".equals(m[1])) invited++;
            if (("join".equals(m[1]) || "invite".equals(m[1])) && !m[0].equals(userId) && heroes.size() < 5) heroes.add(m[0]);
        }
        s.put("m.joined_member_count", joined);
        s.put("m.invited_member_count", invited);
        return s;
    }

    private ArrayNode toJson(List<StoredEvent> list, Caller caller) {
        ArrayNode arr = Json.array();
        list.forEach(e -> arr.add(events.toJson(e, caller)));
        return arr;
    }
}
