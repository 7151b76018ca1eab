package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.store.Database;
import dev.mxrtc.homeserver.store.Database.Reads;
import java.sql.SQLException;
import java.util.List;

/** Per-user account data (global and per room) and stored sync filters. */
public final class AccountData {
    private final Database db;

    public AccountData(Database db) {
        this.db = db;
    }

    public void put(Caller caller, String userId, String roomId, String type, ObjectNode content) {
        if (!caller.userId().equals(userId)) throw MatrixError.forbidden("Cannot set account data for other users");
        db.tx(tx -> tx.update("MERGE INTO account_data (user_id, room_id, type, content, stream_id) KEY (user_id, room_id, type) "
                + "VALUES (?, ?, ?, ?, ?)", userId, roomId == null ? "" : roomId, type, Json.write(content), tx.nextStreamIdFor(List.of(userId))));
    }

    public ObjectNode get(Caller caller, String userId, String roomId, String type) {
        if (!caller.userId().equals(userId)) throw MatrixError.forbidden("Cannot read account data of other users");
        return db.tx(tx -> tx.queryOne("SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?",
                rs -> (ObjectNode) Json.parseStored(rs.getString(1)), userId, roomId == null ? "" : roomId, type))
                .orElseThrow(() -> MatrixError.notFound("Account data not found"));
    }

    /** Account data events for {@code roomId} ("" = global) changed after {@code since}. */
    public ArrayNode since(Reads tx, String userId, String roomId, long since, long upTo) throws SQLException {
        ArrayNode out = Json.array();
        tx.query("SELECT type, content FROM account_data WHERE user_id = ? AND room_id = ? AND stream_id > ? AND stream_id <= ? "
                + "ORDER BY stream_id", rs -> {
                    ObjectNode e = out.addObject();
                    e.put("type", rs.getString(1));
                    e.set("content", Json.parseStored(rs.getString(2)));
                    return e;
                }, userId, roomId, since, upTo);
        return out;
    }

    public String createFilter(Caller caller, String userId, ObjectNode filter) {
        if (!caller.userId().equals(userId)) throw MatrixError.forbidden("Cannot create filters for other users");
        return Long.toString(db.tx(tx -> tx.insertReturningKey("INSERT INTO filters (user_id, filter) VALUES (?, ?)",
                userId, Json.write(filter))));
    }

    public ObjectNode filter(Caller caller, String userId, String filterId) throws InterruptedException {
        if (!caller.userId().equals(userId)) throw MatrixError.forbidden("Cannot read filters of other users");
        long id;
        try {
            id = Long.parseLong(filterId);
        } catch (NumberFormatException e) {
            throw MatrixError.notFound("No such filter");
        }
        // read on a snapshot: js-sdk names its filter by id on every /sync, which must not wait for the writer lock
        return db.read(tx -> tx.queryOne("SELECT filter FROM filters WHERE user_id = ? AND filter_id = ?",
                rs -> (ObjectNode) Json.parseStored(rs.getString(1)), userId, id))
                .orElseThrow(() -> MatrixError.notFound("No such filter"));
    }

    /** The filter {@code /sync} was given: inline JSON or a stored filter id. */
    public JsonNode resolveFilter(Caller caller, String param) throws InterruptedException {
        if (param == null || param.isEmpty()) return Json.object();
        if (param.trim().startsWith("{")) {
            JsonNode n = Json.parseRequest(param.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!n.isObject()) throw MatrixError.badJson("filter must be an object");
            return n;
        }
        return filter(caller, caller.userId(), param);
    }
}
