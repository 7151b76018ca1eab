package dev.mxrtc.homeserver.core;

import dev.mxrtc.homeserver.store.Database.Tx;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Transaction-id idempotency. Scope is the access token; this server keeps exactly one token per device, so
 * the (user, device) pair identifies it and survives token refresh-free restarts.
 */
public final class Txns {
    private Txns() {}

    public static String scope(Caller caller) {
        return caller.userId() + "|" + caller.deviceId();
    }

    /** A previous result for this transaction: the event id or the delay id. */
    public record Previous(String eventId, String delayId) {}

    public static Optional<Previous> find(Tx tx, Caller caller, String key) throws SQLException {
        return tx.queryOne("SELECT event_id, delay_id FROM txns WHERE scope = ? AND txn_id = ?",
                rs -> new Previous(rs.getString(1), rs.getString(2)), scope(caller), key);
    }

    public static void record(Tx tx, Caller caller, String key, String eventId, String delayId) throws SQLException {
        tx.update("INSERT INTO txns (scope, txn_id, event_id, delay_id) VALUES (?, ?, ?, ?)",
                scope(caller), key, eventId, delayId);
    }
}
