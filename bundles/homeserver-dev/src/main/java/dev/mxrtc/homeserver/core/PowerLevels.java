package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import java.util.HashMap;
import java.util.Map;

/**
 * An {@code m.room.power_levels} content read with the spec's defaults, plus the authorisation rules this
 * server applies with it. Pure: no I/O.
 */
public record PowerLevels(Map<String, Long> users, long usersDefault, Map<String, Long> events, long eventsDefault,
                          long stateDefault, long ban, long kick, long redact, long invite) {

    public PowerLevels {
        users = Map.copyOf(users);
        events = Map.copyOf(events);
    }

    public static PowerLevels parse(JsonNode c) {
        return new PowerLevels(longs(c.path("users")), num(c, "users_default", 0), longs(c.path("events")),
                num(c, "events_default", 0), num(c, "state_default", 50), num(c, "ban", 50), num(c, "kick", 50),
                num(c, "redact", 50), num(c, "invite", 0));
    }

    public long userLevel(String userId) {
        return users.getOrDefault(userId, usersDefault);
    }

    public long required(String eventType, boolean state) {
        return events.getOrDefault(eventType, state ? stateDefault : eventsDefault);
    }

    public boolean maySend(String userId, String eventType, boolean state) {
        return userLevel(userId) >= required(eventType, state);
    }

    /**
     * The default power levels for a new room: creator 100, {@code state_default} 50, {@code events_default} 0,
     * MatrixRTC membership events at 0 as Element does for call rooms.
     */
    public static ObjectNode defaultContent(String creator) {
        ObjectNode pl = Json.object();
        pl.putObject("users").put(creator, 100);
        pl.put("users_default", 0);
        ObjectNode ev = pl.putObject("events");
        ev.put("m.room.name", 50);
        ev.put("m.room.power_levels", 100);
        ev.put("m.room.history_visibility", 100);
        ev.put("m.room.canonical_alias", 50);
        ev.put("m.room.avatar", 50);
        ev.put("m.room.tombstone", 100);
        ev.put("m.room.server_acl", 100);
        ev.put("m.room.encryption", 100);
        ev.put("org.matrix.msc3401.call.member", 0);
        ev.put("org.matrix.msc4143.rtc.member", 0);
        pl.put("events_default", 0);
        pl.put("state_default", 50);
        pl.put("ban", 50);
        pl.put("kick", 50);
        pl.put("redact", 50);
        pl.put("invite", 0);
        ObjectNode notif = pl.putObject("notifications");
        notif.put("room", 50);
        return pl;
    }

    /**
     * The rules for changing power levels: nobody may grant more than their own level, and nobody may change
     * the level of a user (other than themselves) or event at or above their own level.
     */
    public boolean mayChangeTo(String sender, PowerLevels next) {
        long mine = userLevel(sender);
        if (!scalarOk(mine, usersDefault, next.usersDefault) || !scalarOk(mine, eventsDefault, next.eventsDefault)
                || !scalarOk(mine, stateDefault, next.stateDefault) || !scalarOk(mine, ban, next.ban)
                || !scalarOk(mine, kick, next.kick) || !scalarOk(mine, redact, next.redact)
                || !scalarOk(mine, invite, next.invite)) {
            return false;
        }
        Map<String, Long> allUsers = new HashMap<>(users);
        next.users.forEach(allUsers::putIfAbsent);
        for (String u : allUsers.keySet()) {
            Long before = users.get(u);
            Long after = next.users.get(u);
            if (java.util.Objects.equals(before, after)) continue;
            if (after != null && after > mine) return false;
            if (before != null && before >= mine && !u.equals(sender)) return false;
        }
        Map<String, Long> allEvents = new HashMap<>(events);
        next.events.forEach(allEvents::putIfAbsent);
        for (String t : allEvents.keySet()) {
            Long before = events.get(t);
            Long after = next.events.get(t);
            if (java.util.Objects.equals(before, after)) continue;
            if ((before != null && before > mine) || (after != null && after > mine)) return false;
        }
        return true;
    }

    private static boolean scalarOk(long mine, long before, long after) {
        return before == after || (before <= mine && after <= mine);
    }

    /**
     * State-key ownership: a key starting with {@code @} must be the sender (or, in MSC3757 room versions,
     * the sender followed by {@code _}); a key starting with {@code _@} must continue with the sender's id
     * followed by {@code _} (the per-device call membership keys).
     */
    public static boolean ownsStateKey(String sender, String stateKey, String roomVersion) {
        if (stateKey.startsWith("@")) {
            if (stateKey.equals(sender)) return true;
            return roomVersion.contains("msc3757") || roomVersion.contains("msc3779")
                    ? stateKey.startsWith(sender + "_") : false;
        }
        if (stateKey.startsWith("_@")) {
            return stateKey.startsWith("_" + sender + "_");
        }
        return true;
    }

    private static long num(JsonNode c, String field, long dflt) {
        JsonNode n = c.get(field);
        if (n == null || !(n.isIntegralNumber() || n.isTextual())) return dflt;
        try {
            return n.isTextual() ? Long.parseLong(n.asText().trim()) : n.asLong();
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static Map<String, Long> longs(JsonNode obj) {
        Map<String, Long> out = new HashMap<>();
        if (obj.isObject()) {
            obj.properties().forEach(en -> {
                if (en.getValue().isIntegralNumber()) out.put(en.getKey(), en.getValue().asLong());
            });
        }
        return out;
    }
}
