package dev.mxrtc.homeserver.endpoints;

import static dev.mxrtc.homeserver.endpoints.Paths.V1;
import static dev.mxrtc.homeserver.endpoints.Paths.V3;
import static dev.mxrtc.homeserver.http.Router.Auth.REQUIRED;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.core.AccountData;
import dev.mxrtc.homeserver.core.Caller;
import dev.mxrtc.homeserver.core.DelayedEvents;
import dev.mxrtc.homeserver.core.Events;
import dev.mxrtc.homeserver.core.RoomReads;
import dev.mxrtc.homeserver.core.Rooms;
import dev.mxrtc.homeserver.core.StoredEvent;
import dev.mxrtc.homeserver.core.Sync;
import dev.mxrtc.homeserver.core.Txns;
import dev.mxrtc.homeserver.http.ApiRequest;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.http.Router;
import dev.mxrtc.homeserver.store.Database;

/**
 * Rooms: creation, membership, sending (with MSC4140 {@code org.matrix.msc4140.delay} and MSC4354
 * {@code org.matrix.msc4354.sticky_duration_ms} query parameters), state, redaction, reads and {@code /sync}.
 */
public final class RoomEndpoints {
    static final String DELAY_PARAM = "org.matrix.msc4140.delay";
    static final String STICKY_PARAM = "org.matrix.msc4354.sticky_duration_ms";

    private final Database db;
    private final Rooms rooms;
    private final RoomReads reads;
    private final Events events;
    private final DelayedEvents delayed;
    private final Sync sync;
    private final AccountData accountData;
    private final HomeserverConfig config;

    public RoomEndpoints(Database db, Rooms rooms, RoomReads reads, Events events, DelayedEvents delayed, Sync sync,
                         AccountData accountData, HomeserverConfig config) {
        this.db = db;
        this.rooms = rooms;
        this.reads = reads;
        this.events = events;
        this.delayed = delayed;
        this.sync = sync;
        this.accountData = accountData;
        this.config = config;
    }

    public void register(Router r) {
        r.post(V3 + "/createRoom", REQUIRED, req -> {
            ObjectNode body = req.object();
            String roomId = db.tx(tx -> rooms.create(tx, req.caller(), body));
            return Json.object().put("room_id", roomId);
        });
        r.post(V3 + "/join/:roomId", REQUIRED, this::join);
        r.post(V3 + "/rooms/:roomId/join", REQUIRED, this::join);
        r.post(V3 + "/rooms/:roomId/leave", REQUIRED, req -> {
            req.objectOrEmpty();
            db.tx(tx -> {
                rooms.leave(tx, req.caller(), req.param("roomId"));
                return null;
            });
            return Json.object();
        });
        r.post(V3 + "/rooms/:roomId/forget", REQUIRED, req -> Json.object());
        r.post(V3 + "/rooms/:roomId/invite", REQUIRED, req -> {
            ObjectNode body = req.object();
            String user = Json.requireString(body, "user_id");
            db.tx(tx -> {
                rooms.invite(tx, req.caller(), req.param("roomId"), user, false);
                return null;
            });
            return Json.object();
        });
        r.post(V3 + "/rooms/:roomId/kick", REQUIRED, req -> removeMember(req, "leave"));
        r.post(V3 + "/rooms/:roomId/ban", REQUIRED, req -> removeMember(req, "ban"));
        r.get(V3 + "/joined_rooms", REQUIRED, req -> {
            ArrayNode arr = Json.array();
            db.tx(tx -> tx.query("SELECT room_id FROM room_state WHERE type = 'm.room.member' AND state_key = ? "
                    + "AND membership = 'join'", rs -> arr.add(rs.getString(1)), req.caller().userId()));
            return Json.object().set("joined_rooms", arr);
        });
        r.get(V3 + "/rooms/:roomId/members", REQUIRED, req -> reads.members(req.caller(), req.param("roomId"),
                req.query("membership"), req.query("not_membership")));
        r.get(V3 + "/rooms/:roomId/joined_members", REQUIRED, req -> reads.joinedMembers(req.caller(), req.param("roomId")));
        r.get(V3 + "/rooms/:roomId/state", REQUIRED, req -> reads.state(req.caller(), req.param("roomId")));
        r.get(V3 + "/rooms/:roomId/state/:type", REQUIRED, req -> getState(req, ""));
        r.get(V3 + "/rooms/:roomId/state/:type/:stateKey", REQUIRED, req -> getState(req, req.param("stateKey")));
        r.put(V3 + "/rooms/:roomId/state/:type", REQUIRED, req -> putState(req, ""));
        r.put(V3 + "/rooms/:roomId/state/:type/:stateKey", REQUIRED, req -> putState(req, req.param("stateKey")));
        r.put(V3 + "/rooms/:roomId/send/:type/:txnId", REQUIRED, this::send);
        r.put(V3 + "/rooms/:roomId/redact/:eventId/:txnId", REQUIRED, this::redact);
        r.get(V3 + "/rooms/:roomId/event/:eventId", REQUIRED, req -> db.tx(tx -> {
            rooms.requireJoined(tx, req.param("roomId"), req.caller().userId());
            StoredEvent e = events.byId(tx, req.param("eventId")).filter(x -> x.roomId().equals(req.param("roomId")))
                    .orElseThrow(() -> MatrixError.notFound("Event not found"));
            return events.toJson(e, req.caller());
        }));
        r.get(V3 + "/rooms/:roomId/messages", REQUIRED, req -> reads.messages(req.caller(), req.param("roomId"),
                req.query("from"), req.query("dir"), req.queryLong("limit", 10)));
        r.get(V1 + "/rooms/:roomId/relations/:eventId", REQUIRED, req -> relations(req, null, null));
        r.get(V1 + "/rooms/:roomId/relations/:eventId/:relType", REQUIRED, req -> relations(req, req.param("relType"), null));
        r.get(V1 + "/rooms/:roomId/relations/:eventId/:relType/:eventType", REQUIRED,
                req -> relations(req, req.param("relType"), req.param("eventType")));
        r.get(V3 + "/sync", REQUIRED, req -> sync.sync(req.caller(), req.query("since"), req.queryLong("timeout", 0),
                accountData.resolveFilter(req.caller(), req.query("filter")), "true".equals(req.query("full_state"))));
    }

    private ObjectNode join(ApiRequest req) {
        req.objectOrEmpty();
        String roomId = req.param("roomId");
        if (!roomId.startsWith("!")) throw MatrixError.notFound("Room aliases are not supported: " + roomId);
        db.tx(tx -> {
            rooms.join(tx, req.caller(), roomId);
            return null;
        });
        return Json.object().put("room_id", roomId);
    }

    private ObjectNode removeMember(ApiRequest req, String membership) {
        ObjectNode body = req.object();
        String user = Json.requireString(body, "user_id");
        String reason = Json.optString(body, "reason");
        db.tx(tx -> {
            rooms.remove(tx, req.caller(), req.param("roomId"), user, membership, reason);
            return null;
        });
        return Json.object();
    }

    private ObjectNode getState(ApiRequest req, String stateKey) {
        return reads.stateEvent(req.caller(), req.param("roomId"), req.param("type"), stateKey,
                "event".equals(req.query("format")));
    }

    private ObjectNode putState(ApiRequest req, String stateKey) {
        return sendOrSchedule(req, stateKey, null);
    }

    private ObjectNode send(ApiRequest req) {
        return sendOrSchedule(req, null, req.param("txnId"));
    }

    /** The shared path of {@code /send} and {@code /state}: immediate or delayed, optionally sticky. */
    private ObjectNode sendOrSchedule(ApiRequest req, String stateKey, String txnId) {
        Caller caller = req.caller();
        String roomId = req.param("roomId");
        String type = req.param("type");
        ObjectNode content = req.object();
        Long delay = optionalLong(req, DELAY_PARAM);
        Long sticky = optionalLong(req, STICKY_PARAM);
        if (sticky != null) sticky = Math.min(sticky, config.maxStickyMs());
        if (delay != null) {
            String delayId = delayed.schedule(caller, roomId, type, stateKey, content, delay, sticky, txnId);
            return Json.object().put("delay_id", delayId);
        }
        Long stickyMs = sticky;
        String eventId = db.tx(tx -> {
            String key = txnId == null ? null : "send:" + roomId + ":" + txnId;
            if (key != null) {
                var prev = Txns.find(tx, caller, key);
                if (prev.isPresent()) {
                    if (prev.get().eventId() == null) throw MatrixError.invalidParam("Transaction id already used for a delayed event");
                    return prev.get().eventId();
                }
            }
            StoredEvent e = rooms.send(tx, caller, roomId, type, stateKey, content, stickyMs, txnId, null);
            if (key != null) Txns.record(tx, caller, key, e.eventId(), null);
            return e.eventId();
        });
        return Json.object().put("event_id", eventId);
    }

    private static Long optionalLong(ApiRequest req, String name) {
        String v = req.query(name);
        if (v == null) return null;
        long n = req.queryLong(name, 0);
        if (n < 0) throw MatrixError.invalidParam(name + " must not be negative");
        return n;
    }

    private ObjectNode redact(ApiRequest req) {
        Caller caller = req.caller();
        String roomId = req.param("roomId");
        String txnId = req.param("txnId");
        ObjectNode body = req.objectOrEmpty();
        String eventId = db.tx(tx -> {
            String key = "redact:" + roomId + ":" + txnId;
            var prev = Txns.find(tx, caller, key);
            if (prev.isPresent()) return prev.get().eventId();
            StoredEvent e = rooms.redact(tx, caller, roomId, req.param("eventId"), body, txnId);
            Txns.record(tx, caller, key, e.eventId(), null);
            return e.eventId();
        });
        return Json.object().put("event_id", eventId);
    }

    private ObjectNode relations(ApiRequest req, String relType, String eventType) {
        return reads.relations(req.caller(), req.param("roomId"), req.param("eventId"), relType, eventType,
                req.query("from"), req.query("dir"), req.queryLong("limit", 50));
    }
}
