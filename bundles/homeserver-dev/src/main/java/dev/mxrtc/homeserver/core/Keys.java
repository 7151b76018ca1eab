package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.store.Database;
import dev.mxrtc.homeserver.store.Database.Reads;
import dev.mxrtc.homeserver.store.Database.Tx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * End-to-end encryption plumbing: device keys, one-time keys (each claimed once), fallback keys, cross-signing
 * keys, device-list changes and to-device messages (queued per device until a sync acknowledges them).
 */
public final class Keys {
    private final Database db;

    public Keys(Database db) {
        this.db = db;
    }

    /** {@code POST /keys/upload}. */
    public ObjectNode upload(Caller caller, ObjectNode body) {
        ObjectNode deviceKeys = Json.optObject(body, "device_keys");
        ObjectNode otks = Json.optObject(body, "one_time_keys");
        ObjectNode fallback = Json.optObject(body, "fallback_keys");
        if (fallback == null) fallback = Json.optObject(body, "org.matrix.msc2732.fallback_keys");
        if (deviceKeys != null && (!caller.userId().equals(deviceKeys.path("user_id").asText())
                || !caller.deviceId().equals(deviceKeys.path("device_id").asText()))) {
            throw MatrixError.badJson("device_keys must be for the calling user and device");
        }
        ObjectNode fb = fallback;
        return db.tx(tx -> {
            if (deviceKeys != null) {
                String json = Json.write(deviceKeys);
                String old = tx.queryOne("SELECT keys FROM device_keys WHERE user_id = ? AND device_id = ?",
                        rs -> rs.getString(1), caller.userId(), caller.deviceId()).orElse(null);
                if (!json.equals(old)) {
                    tx.update("MERGE INTO device_keys (user_id, device_id, keys) KEY (user_id, device_id) VALUES (?, ?, ?)",
                            caller.userId(), caller.deviceId(), json);
                    deviceListChanged(tx, caller.userId());
                }
            }
            if (otks != null) {
                for (Map.Entry<String, JsonNode> en : otks.properties()) {
                    String algorithm = algorithm(en.getKey());
                    tx.update("MERGE INTO one_time_keys (user_id, device_id, key_id, algorithm, key_json) "
                                    + "KEY (user_id, device_id, key_id) VALUES (?, ?, ?, ?, ?)",
                            caller.userId(), caller.deviceId(), en.getKey(), algorithm, Json.write(en.getValue()));
                }
            }
            if (fb != null) {
                for (Map.Entry<String, JsonNode> en : fb.properties()) {
                    tx.update("MERGE INTO fallback_keys (user_id, device_id, algorithm, key_id, key_json, used) "
                                    + "KEY (user_id, device_id, algorithm) VALUES (?, ?, ?, ?, ?, FALSE)",
                            caller.userId(), caller.deviceId(), algorithm(en.getKey()), en.getKey(), Json.write(en.getValue()));
                }
            }
            ObjectNode out = Json.object();
            out.set("one_time_key_counts", otkCounts(tx, caller));
            return out;
        });
    }

    private static String algorithm(String keyId) {
        int colon = keyId.indexOf(':');
        if (colon <= 0) throw MatrixError.badJson("Key ids must be <algorithm>:<id>");
        return keyId.substring(0, colon);
    }

    public ObjectNode otkCounts(Reads tx, Caller caller) throws SQLException {
        ObjectNode counts = Json.object();
        tx.query("SELECT algorithm, COUNT(*) FROM one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), caller.userId(), caller.deviceId());
        if (!counts.has("signed_curve25519")) counts.put("signed_curve25519", 0);
        return counts;
    }

    public List<String> unusedFallbackTypes(Reads tx, Caller caller) throws SQLException {
        return tx.query("SELECT algorithm FROM fallback_keys WHERE user_id = ? AND device_id = ? AND used = FALSE",
                rs -> rs.getString(1), caller.userId(), caller.deviceId());
    }

    /** {@code POST /keys/query}. */
    public ObjectNode query(ObjectNode body) {
        ObjectNode wanted = Json.requireObject(body, "device_keys");
        return db.tx(tx -> {
            ObjectNode out = Json.object();
            ObjectNode keys = out.putObject("device_keys");
            ObjectNode master = out.putObject("master_keys");
            ObjectNode self = out.putObject("self_signing_keys");
            ObjectNode userSigning = out.putObject("user_signing_keys");
            out.putObject("failures");
            for (Map.Entry<String, JsonNode> en : wanted.properties()) {
                String user = en.getKey();
                Set<String> devices = new LinkedHashSet<>();
                if (en.getValue().isArray()) en.getValue().forEach(d -> devices.add(d.asText()));
                ObjectNode perUser = keys.putObject(user);
                tx.query("SELECT device_id, keys FROM device_keys WHERE user_id = ?", rs -> {
                    if (devices.isEmpty() || devices.contains(rs.getString(1))) {
                        ObjectNode k = (ObjectNode) Json.parseStored(rs.getString(2));
                        String name = displayName(tx, user, rs.getString(1));
                        if (name != null) k.putObject("unsigned").put("device_display_name", name);
                        perUser.set(rs.getString(1), k);
                    }
                    return null;
                }, user);
                tx.query("SELECT key_type, key_json FROM cross_signing_keys WHERE user_id = ?", rs -> {
                    ObjectNode target = switch (rs.getString(1)) {
                        case "master" -> master;
                        case "self_signing" -> self;
                        default -> userSigning;
                    };
                    target.set(user, Json.parseStored(rs.getString(2)));
                    return null;
                }, user);
            }
            return out;
        });
    }

    private static String displayName(Tx tx, String user, String device) throws SQLException {
        return tx.queryOne("SELECT display_name FROM devices WHERE user_id = ? AND device_id = ?",
                rs -> rs.getString(1), user, device).orElse(null);
    }

    /** {@code POST /keys/claim}: each one-time key is handed out once; then the fallback key (kept). */
    public ObjectNode claim(ObjectNode body) {
        ObjectNode wanted = Json.requireObject(body, "one_time_keys");
        return db.tx(tx -> {
            ObjectNode out = Json.object();
            ObjectNode claimed = out.putObject("one_time_keys");
            out.putObject("failures");
            for (Map.Entry<String, JsonNode> user : wanted.properties()) {
                if (!user.getValue().isObject()) throw MatrixError.badJson("one_time_keys entries must be objects");
                for (Map.Entry<String, JsonNode> dev : user.getValue().properties()) {
                    String algorithm = dev.getValue().asText();
                    var key = tx.queryOne("SELECT key_id, key_json FROM one_time_keys WHERE user_id = ? AND device_id = ? "
                            + "AND algorithm = ? ORDER BY key_id LIMIT 1", rs -> new String[] {rs.getString(1), rs.getString(2)},
                            user.getKey(), dev.getKey(), algorithm);
                    if (key.isPresent()) {
                        tx.update("DELETE FROM one_time_keys WHERE user_id = ? AND device_id = ? AND key_id = ?",
                                user.getKey(), dev.getKey(), key.get()[0]);
                    } else {
                        key = tx.queryOne("SELECT key_id, key_json FROM fallback_keys WHERE user_id = ? AND device_id = ? "
                                + "AND algorithm = ?", rs -> new String[] {rs.getString(1), rs.getString(2)},
                                user.getKey(), dev.getKey(), algorithm);
                        if (key.isPresent()) {
                            tx.update("UPDATE fallback_keys SET used = TRUE WHERE user_id = ? AND device_id = ? AND algorithm = ?",
                                    user.getKey(), dev.getKey(), algorithm);
                        }
                    }
                    if (key.isPresent()) {
                        ObjectNode u = claimed.has(user.getKey()) ? (ObjectNode) claimed.get(user.getKey()) : claimed.putObject(user.getKey());
                        u.putObject(dev.getKey()).set(key.get()[0], Json.parseStored(key.get()[1]));
                    }
                }
            }
            return out;
        });
    }

    /** {@code POST /keys/device_signing/upload}: stores master / self-signing / user-signing keys. */
    public void uploadCrossSigning(Caller caller, ObjectNode body) {
        db.tx(tx -> {
            for (String type : List.of("master", "self_signing", "user_signing")) {
                ObjectNode key = Json.optObject(body, type + "_key");
                if (key == null) continue;
                tx.update("MERGE INTO cross_signing_keys (user_id, key_type, key_json) KEY (user_id, key_type) VALUES (?, ?, ?)",
                        caller.userId(), type, Json.write(key));
            }
            deviceListChanged(tx, caller.userId());
            return null;
        });
    }

    public void deviceListChanged(Tx tx, String userId) throws SQLException {
        tx.update("INSERT INTO device_list_changes (stream_id, user_id) VALUES (?, ?)", tx.nextStreamId(), userId);
    }

    /** Users (sharing a room with {@code caller}, or the caller) whose devices changed after {@code since}. */
    public List<String> changedSince(Reads tx, Caller caller, long since, long upTo) throws SQLException {
        List<String> changed = tx.query("SELECT DISTINCT c.user_id FROM device_list_changes c WHERE c.stream_id > ? "
                + "AND c.stream_id <= ? AND (c.user_id = ? OR EXISTS (SELECT 1 FROM room_state a JOIN room_state b "
                + "ON a.room_id = b.room_id WHERE a.type = 'm.room.member' AND b.type = 'm.room.member' "
                + "AND a.state_key = ? AND a.membership = 'join' AND b.state_key = c.user_id AND b.membership = 'join'))",
                rs -> rs.getString(1), since, upTo, caller.userId(), caller.userId());
        List<String> joined = tx.query("SELECT DISTINCT e.state_key FROM events e JOIN room_state me ON me.room_id = e.room_id "
                + "WHERE me.type = 'm.room.member' AND me.state_key = ? AND me.membership = 'join' AND e.type = 'm.room.member' "
                + "AND e.stream_id > ? AND e.stream_id <= ? AND e.state_key <> ?",
                rs -> rs.getString(1), caller.userId(), since, upTo, caller.userId());
        Set<String> all = new LinkedHashSet<>(changed);
        all.addAll(joined);
        return new ArrayList<>(all);
    }

    // ---- to-device -------------------------------------------------------------------------------------

    /** {@code PUT /sendToDevice/{type}/{txnId}}: idempotent per access token (one per device) and transaction id. */
    public void sendToDevice(Caller caller, String type, String txnId, ObjectNode body) {
        String tokenHash = Txns.scope(caller);
        ObjectNode messages = Json.requireObject(body, "messages");
        db.tx(tx -> {
            String key = "to-device:" + type + ":" + txnId;
            if (tx.queryOne("SELECT 1 FROM txns WHERE scope = ? AND txn_id = ?", rs -> 1, tokenHash, key).isPresent()) {
                return null;
            }
            tx.update("INSERT INTO txns (scope, txn_id) VALUES (?, ?)", tokenHash, key);
            for (Map.Entry<String, JsonNode> user : messages.properties()) {
                if (!user.getValue().isObject()) throw MatrixError.badJson("messages entries must be objects");
                for (Map.Entry<String, JsonNode> dev : user.getValue().properties()) {
                    if (!dev.getValue().isObject()) throw MatrixError.badJson("message content must be an object");
                    List<String> targets = "*".equals(dev.getKey())
                            ? tx.query("SELECT device_id FROM devices WHERE user_id = ?", rs -> rs.getString(1), user.getKey())
                            : List.of(dev.getKey());
                    for (String device : targets) {
                        tx.update("INSERT INTO to_device (stream_id, user_id, device_id, sender, type, content) VALUES (?, ?, ?, ?, ?, ?)",
                                tx.nextStreamIdFor(List.of(user.getKey())), user.getKey(), device, caller.userId(), type, Json.write(dev.getValue()));
                    }
                }
            }
            return null;
        });
    }

    /**
     * The caller's to-device messages after {@code after} up to {@code upTo}, in stream order. Those at or before
     * {@code after} were delivered by an earlier sync that the client acknowledged by sending its token back: they are
     * not repeated, and {@link #deleteAcknowledged} removes them.
     */
    public List<ObjectNode> toDeviceFor(Reads tx, Caller caller, long after, long upTo) throws SQLException {
        return tx.query("SELECT sender, type, content FROM to_device WHERE user_id = ? AND device_id = ? "
                + "AND stream_id > ? AND stream_id <= ? ORDER BY stream_id", rs -> {
                    ObjectNode o = Json.object();
                    o.put("sender", rs.getString(1));
                    o.put("type", rs.getString(2));
                    o.set("content", Json.parseStored(rs.getString(3)));
                    return o;
                }, caller.userId(), caller.deviceId(), after, upTo);
    }

    /** Whether the caller's device has acknowledged messages still stored (at or before {@code ackedUpTo}). */
    public boolean hasAcknowledged(Reads tx, Caller caller, long ackedUpTo) throws SQLException {
        return tx.queryOne("SELECT 1 FROM to_device WHERE user_id = ? AND device_id = ? AND stream_id <= ? LIMIT 1",
                rs -> 1, caller.userId(), caller.deviceId(), ackedUpTo).isPresent();
    }

    /** Deletes the device's messages at or before {@code ackedUpTo}: its sync acknowledged them. */
    public void deleteAcknowledged(Tx tx, Caller caller, long ackedUpTo) throws SQLException {
        tx.update("DELETE FROM to_device WHERE user_id = ? AND device_id = ? AND stream_id <= ?",
                caller.userId(), caller.deviceId(), ackedUpTo);
    }
}
