package dev.mxrtc.homeserver.core;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/** One row of the {@code events} table: a room event at its stream position. */
public record StoredEvent(long streamId, String eventId, String roomId, String type, String stateKey, String sender,
                          long originTs, String content, String prevContent, String redacts, String redactedBy,
                          Long stickyMs, String txnDevice, String txnId, String delayId) {

    /** The column list that {@link #read(ResultSet)} expects, in order. */
    public static final String COLUMNS = "stream_id, event_id, room_id, type, state_key, sender, origin_ts, content, "
            + "prev_content, redacts, redacted_by, sticky_ms, txn_device, txn_id, delay_id";

    public StoredEvent {
        Objects.requireNonNull(eventId);
        Objects.requireNonNull(roomId);
        Objects.requireNonNull(type);
        Objects.requireNonNull(sender);
        Objects.requireNonNull(content);
    }

    public boolean isState() { return stateKey != null; }

    /** Whether the event is sticky (MSC4354) at {@code now}. */
    public boolean stickyAt(long now) {
        return stickyMs != null && originTs + stickyMs > now;
    }

    public static StoredEvent read(ResultSet rs) throws SQLException {
        long sticky = rs.getLong(12);
        Long stickyMs = rs.wasNull() ? null : sticky;
        return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                stickyMs, rs.getString(13), rs.getString(14), rs.getString(15));
    }
}
