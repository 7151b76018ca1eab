package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.core.Events.NewEvent;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.store.Database.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Room writes with the authorisation a real server applies: membership to send, power levels for events and
 * state, state-key ownership, membership transitions (join, leave, invite, kick, ban) and room creation.
 * Every method runs inside the caller's transaction, so a refused request stores nothing.
 */
public final class Rooms {
    public static final Set<String> ROOM_VERSIONS = Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
            "org.matrix.msc3757.10", "org.matrix.msc3757.11");
    public static final String DEFAULT_ROOM_VERSION = "10";
    private static final Set<String> PRESETS = Set.of("private_chat", "public_chat", "trusted_private_chat");

    private final Events events;
    private final Clock clock;
    private final Ids ids;

    public Rooms(Events events, Ids ids, Clock clock) {
        this.events = events;
        this.ids = ids;
        this.clock = clock;
    }

    public Optional<String> roomVersion(Tx tx, String roomId) throws SQLException {
        return tx.queryOne("SELECT room_version FROM rooms WHERE room_id = ?", rs -> rs.getString(1), roomId);
    }

    /** The user's current membership in the room ({@code join}, {@code invite}, {@code leave}, {@code ban}). */
    public Optional<String> membership(Tx tx, String roomId, String userId) throws SQLException {
        return tx.queryOne("SELECT membership FROM room_state WHERE room_id = ? AND type = 'm.room.member' AND state_key = ?",
                rs -> rs.getString(1), roomId, userId);
    }

    public void requireJoined(Tx tx, String roomId, String userId) throws SQLException {
        if (!"join".equals(membership(tx, roomId, userId).orElse(null))) {
            throw MatrixError.forbidden("User " + userId + " not in room " + roomId);
        }
    }

    public PowerLevels powerLevels(Tx tx, String roomId) throws SQLException {
        return events.currentState(tx, roomId, "m.room.power_levels", "")
                .map(e -> PowerLevels.parse(Events.content(e))).orElseGet(() -> PowerLevels.parse(Json.object()));
    }

    /**
     * Sends a message ({@code stateKey == null}) or state event after all checks; {@code stickyMs},
     * {@code txnId} and {@code delayId} are recorded on the event when given.
     */
    public StoredEvent send(Tx tx, Caller caller, String roomId, String type, String stateKey, ObjectNode content,
                            Long stickyMs, String txnId, String delayId) throws SQLException {
        String sender = caller.userId();
        String version = roomVersion(tx, roomId).orElseThrow(() -> MatrixError.forbidden("Unknown room " + roomId));
        checkMayWrite(tx, sender, roomId, version, type, stateKey);
        if (stateKey != null && "m.room.member".equals(type)) {
            String current = membership(tx, roomId, sender).orElse(null);
            if (!stateKey.equals(sender) || !"join".equals(current) || !"join".equals(content.path("membership").asText())) {
                throw MatrixError.forbidden("Use the membership endpoints to change membership");
            }
        }
        if (stateKey != null && "m.room.power_levels".equals(type)) {
            if (!powerLevels(tx, roomId).mayChangeTo(sender, PowerLevels.parse(content))) {
                throw MatrixError.forbidden("You cannot grant or change power levels above your own");
            }
        }
        return events.append(tx, new NewEvent(roomId, type, stateKey, sender, content, null, stickyMs,
                caller.deviceId(), txnId, delayId));
    }

    /** The checks that do not depend on content: room membership, create event, state key ownership, power. */
    public void checkMayWrite(Tx tx, String sender, String roomId, String version, String type, String stateKey)
            throws SQLException {
        requireJoined(tx, roomId, sender);
        boolean state = stateKey != null;
        if (state && "m.room.create".equals(type)) throw MatrixError.forbidden("Cannot replace m.room.create");
        if (state && !PowerLevels.ownsStateKey(sender, stateKey, version)) {
            throw MatrixError.forbidden("You are not allowed to set others' state");
        }
        PowerLevels pl = powerLevels(tx, roomId);
        if (!pl.maySend(sender, type, state)) {
            throw MatrixError.forbidden("You don't have permission to send " + type + " (needs power level "
                    + pl.required(type, state) + ")");
        }
    }

    public StoredEvent redact(Tx tx, Caller caller, String roomId, String targetId, ObjectNode body, String txnId)
            throws SQLException {
        requireJoined(tx, roomId, caller.userId());
        StoredEvent target = events.byId(tx, targetId).filter(e -> e.roomId().equals(roomId))
                .orElseThrow(() -> MatrixError.notFound("Event not found"));
        PowerLevels pl = powerLevels(tx, roomId);
        if (!target.sender().equals(caller.userId()) && pl.userLevel(caller.userId()) < pl.redact()) {
            throw MatrixError.forbidden("You don't have permission to redact this event");
        }
        ObjectNode content = Json.object();
        if (body.path("reason").isTextual()) content.put("reason", body.path("reason").asText());
        content.put("redacts", targetId);
        return events.append(tx, new NewEvent(roomId, "m.room.redaction", null, caller.userId(), content, targetId,
                null, caller.deviceId(), txnId, null));
    }

    // ---- membership ----------------------------------------------------------------------------------

    public void join(Tx tx, Caller caller, String roomId) throws SQLException {
        if (roomVersion(tx, roomId).isEmpty()) throw MatrixError.notFound("Unknown room " + roomId);
        String current = membership(tx, roomId, caller.userId()).orElse("leave");
        if ("join".equals(current)) return;
        if ("ban".equals(current)) throw MatrixError.forbidden("You are banned from this room");
        String joinRule = events.currentState(tx, roomId, "m.room.join_rules", "")
                .map(e -> Events.content(e).path("join_rule").asText("invite")).orElse("invite");
        if (!"invite".equals(current) && !"public".equals(joinRule)) {
            throw MatrixError.forbidden("You are not invited to this room");
        }
        appendMember(tx, roomId, caller.userId(), caller.userId(), "join", null);
    }

    public void leave(Tx tx, Caller caller, String roomId) throws SQLException {
        String current = membership(tx, roomId, caller.userId()).orElse(null);
        if ("leave".equals(current)) return;
        if (!"join".equals(current) && !"invite".equals(current)) throw MatrixError.forbidden("You are not in this room");
        appendMember(tx, roomId, caller.userId(), caller.userId(), "leave", null);
    }

    public void invite(Tx tx, Caller caller, String roomId, String target, boolean direct) throws SQLException {
        requireJoined(tx, roomId, caller.userId());
        if (!userExists(tx, target)) throw MatrixError.notFound("Unknown user " + target);
        PowerLevels pl = powerLevels(tx, roomId);
        if (pl.userLevel(caller.userId()) < pl.invite()) throw MatrixError.forbidden("You cannot invite to this room");
        String current = membership(tx, roomId, target).orElse("leave");
        if ("join".equals(current)) throw MatrixError.forbidden(target + " is already in the room");
        if ("ban".equals(current)) throw MatrixError.forbidden(target + " is banned from the room");
        if ("invite".equals(current)) return;
        appendMember(tx, roomId, caller.userId(), target, "invite", direct ? Boolean.TRUE : null);
    }

    /** Kick ({@code membership} leave) or ban another user. */
    public void remove(Tx tx, Caller caller, String roomId, String target, String membership, String reason)
            throws SQLException {
        requireJoined(tx, roomId, caller.userId());
        PowerLevels pl = powerLevels(tx, roomId);
        long needed = "ban".equals(membership) ? pl.ban() : pl.kick();
        long mine = pl.userLevel(caller.userId());
        if (mine < needed || (!target.equals(caller.userId()) && pl.userLevel(target) >= mine)) {
            throw MatrixError.forbidden("You don't have permission to " + ("ban".equals(membership) ? "ban" : "kick"));
        }
        String current = membership(tx, roomId, target).orElse("leave");
        if ("leave".equals(membership) && !"join".equals(current) && !"invite".equals(current)) {
            throw MatrixError.forbidden(target + " is not in the room");
        }
        ObjectNode content = memberContent(tx, target, membership);
        if (reason != null) content.put("reason", reason);
        events.append(tx, NewEvent.state(roomId, "m.room.member", target, caller.userId(), content));
    }

    private void appendMember(Tx tx, String roomId, String sender, String target, String membership, Boolean direct)
            throws SQLException {
        ObjectNode content = memberContent(tx, target, membership);
        if (direct != null) content.put("is_direct", direct);
        events.append(tx, NewEvent.state(roomId, "m.room.member", target, sender, content));
    }

    private ObjectNode memberContent(Tx tx, String userId, String membership) throws SQLException {
        ObjectNode content = Json.object();
        content.put("membership", membership);
        if ("join".equals(membership) || "invite".equals(membership)) {
            tx.queryOne("SELECT displayname, avatar_url FROM users WHERE user_id = ?", rs -> {
                if (rs.getString(1) != null) content.put("displayname", rs.getString(1));
                if (rs.getString(2) != null) content.put("avatar_url", rs.getString(2));
                return Boolean.TRUE;
            }, userId);
        }
        return content;
    }

    private static boolean userExists(Tx tx, String userId) throws SQLException {
        return tx.queryOne("SELECT 1 FROM users WHERE user_id = ?", rs -> 1, userId).isPresent();
    }

    // ---- creation ------------------------------------------------------------------------------------

    /** {@code POST /createRoom}: validates everything first, then writes the initial events in spec order. */
    public String create(Tx tx, Caller caller, ObjectNode body) throws SQLException {
        String version = Optional.ofNullable(Json.optString(body, "room_version")).orElse(DEFAULT_ROOM_VERSION);
        if (!ROOM_VERSIONS.contains(version)) {
            throw new MatrixError(400, "M_UNSUPPORTED_ROOM_VERSION", "Unsupported room version " + version);
        }
        String visibility = Optional.ofNullable(Json.optString(body, "visibility")).orElse("private");
        String preset = Optional.ofNullable(Json.optString(body, "preset"))
                .orElse("public".equals(visibility) ? "public_chat" : "private_chat");
        if (!PRESETS.contains(preset)) throw MatrixError.badJson("Unknown preset " + preset);
        String name = Json.optString(body, "name");
        String topic = Json.optString(body, "topic");
        boolean direct = Json.optBoolean(body, "is_direct", false);
        ObjectNode creation = Json.optObject(body, "creation_content");
        ObjectNode plOverride = Json.optObject(body, "power_level_content_override");
        List<String> invites = new ArrayList<>();
        if (Json.optArray(body, "invite") != null) {
            for (JsonNode n : body.get("invite")) {
                if (!n.isTextual() || !Ids.validUserId(n.asText())) throw MatrixError.badJson("invite must list user ids");
                if (!userExists(tx, n.asText())) throw MatrixError.notFound("Unknown user " + n.asText());
                if (!n.asText().equals(caller.userId())) invites.add(n.asText());
            }
        }
        List<ObjectNode> initialState = new ArrayList<>();
        if (Json.optArray(body, "initial_state") != null) {
            for (JsonNode n : body.get("initial_state")) {
                if (!n.isObject() || !n.path("type").isTextual() || !n.path("content").isObject()
                        || (n.has("state_key") && !n.get("state_key").isTextual())) {
                    throw MatrixError.badJson("initial_state entries need type, content and a string state_key");
                }
                initialState.add((ObjectNode) n);
            }
        }

        String roomId = ids.roomId();
        String creator = caller.userId();
        tx.update("INSERT INTO rooms (room_id, room_version, creator, created_ts) VALUES (?, ?, ?, ?)",
                roomId, version, creator, clock.millis());
        ObjectNode create = creation == null ? Json.object() : creation.deepCopy();
        create.put("room_version", version);
        if (!version.equals("11") && !version.endsWith(".11")) create.put("creator", creator);
        events.append(tx, NewEvent.state(roomId, "m.room.create", "", creator, create));
        appendMember(tx, roomId, creator, creator, "join", direct ? Boolean.TRUE : null);

        ObjectNode pl = PowerLevels.defaultContent(creator);
        if ("trusted_private_chat".equals(preset)) invites.forEach(u -> ((ObjectNode) pl.get("users")).put(u, 100));
        if (plOverride != null) plOverride.properties().forEach(en -> pl.set(en.getKey(), en.getValue()));
        events.append(tx, NewEvent.state(roomId, "m.room.power_levels", "", creator, pl));

        ObjectNode joinRules = Json.object().put("join_rule", "public_chat".equals(preset) ? "public" : "invite");
        events.append(tx, NewEvent.state(roomId, "m.room.join_rules", "", creator, joinRules));
        events.append(tx, NewEvent.state(roomId, "m.room.history_visibility", "", creator,
                Json.object().put("history_visibility", "shared")));
        events.append(tx, NewEvent.state(roomId, "m.room.guest_access", "", creator,
                Json.object().put("guest_access", "public_chat".equals(preset) ? "forbidden" : "can_join")));
        Set<String> seen = new LinkedHashSet<>();
        for (ObjectNode s : initialState) {
            String type = s.get("type").asText();
            String key = s.path("state_key").asText("");
            if (!seen.add(type + "\u0000" + key)) continue;
            if (!PowerLevels.ownsStateKey(creator, key, version) || "m.room.create".equals(type)
                    || "m.room.member".equals(type)) {
                throw MatrixError.forbidden("initial_state cannot set " + type + " / " + key);
            }
            events.append(tx, NewEvent.state(roomId, type, key, creator, (ObjectNode) s.get("content")));
        }
        if (name != null) events.append(tx, NewEvent.state(roomId, "m.room.name", "", creator, Json.object().put("name", name)));
        if (topic != null) events.append(tx, NewEvent.state(roomId, "m.room.topic", "", creator, Json.object().put("topic", topic)));
        for (String u : invites) appendMember(tx, roomId, creator, u, "invite", direct ? Boolean.TRUE : null);
        return roomId;
    }
}
