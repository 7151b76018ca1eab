package dev.mxrtc.call.history;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.call.CallRecord;
import dev.mxrtc.call.CallRecord.Participant;

/**
 * The call history in an embedded H2 file database ({@code DIR/call-history.mv.db}). Not thread-safe: one owner
 * thread ({@link HistoryComponent}'s actor, or {@link HistoryMain}).
 *
 * <p>The database is opened with {@code AUTO_SERVER=TRUE}, so {@code mxrtc history} (another process) can read it
 * while the runtime has it open; H2 then serves it on a TCP port bound to {@code h2.bindAddress} (127.0.0.1 unless
 * the JVM sets another).
 *
 * <p><b>Restart rule.</b> The runtime writes a heartbeat (the time it last knew itself alive) with every change and
 * periodically. A clean stop closes every running call at the stop time; after a crash, {@link #open} closes the
 * calls still open at the last heartbeat. Either way the end reason is {@value #RUNTIME_STOPPED} and open
 * participants leave at the same time. A session still running when the runtime starts again is a new record.
 */
public final class HistoryStore implements AutoCloseable {

    /** End reason of calls the runtime stopped (or crashed) during. */
    public static final String RUNTIME_STOPPED = "runtime_stopped";
    /** End reason of calls whose last member left. */
    public static final String ENDED = "ended";

    private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS calls(id BIGINT AUTO_INCREMENT PRIMARY KEY, room_id VARCHAR NOT NULL,
              slot_id VARCHAR NOT NULL, start_ts BIGINT NOT NULL, end_ts BIGINT, end_reason VARCHAR);
            CREATE INDEX IF NOT EXISTS calls_room ON calls(room_id, start_ts);
            CREATE TABLE IF NOT EXISTS participants(call_id BIGINT NOT NULL, seq BIGINT AUTO_INCREMENT,
              user_id VARCHAR NOT NULL, device_id VARCHAR NOT NULL, member_id VARCHAR NOT NULL,
              join_ts BIGINT NOT NULL, leave_ts BIGINT);
            CREATE INDEX IF NOT EXISTS participants_call ON participants(call_id);
            CREATE TABLE IF NOT EXISTS heartbeat(id INT PRIMARY KEY, ts BIGINT NOT NULL);
            """;

    private final Connection db;

    private HistoryStore(Connection db) {
        this.db = db;
    }

    /** Opens (or creates) the database in {@code dataDir} and closes calls a crash left open. */
    public static HistoryStore open(Path dataDir) throws SQLException {
        if (System.getProperty("h2.bindAddress") == null) {
            // AUTO_SERVER listens for other processes: loopback only, unless the JVM was told otherwise
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("call-history") + ";AUTO_SERVER=TRUE";
        Connection c = new org.h2.Driver().connect(url, new java.util.Properties());
        if (c == null) {
            throw new SQLException("H2 refused " + url);
        }
        HistoryStore store = new HistoryStore(c);
        try (Statement s = c.createStatement()) {
            for (String sql : SCHEMA.split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
        store.recover();
        return store;
    }

    /** Opens an existing database for reading only (the command line); fails if there is none. */
    static Connection openForReading(Path dataDir) throws SQLException {
        Path file = dataDir.toAbsolutePath().resolve("call-history");
        if (!java.nio.file.Files.exists(Path.of(file + ".mv.db"))) {
            throw new SQLException("no call history in " + dataDir.toAbsolutePath());
        }
        return new org.h2.Driver().connect("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE",
                new java.util.Properties());
    }

    static HistoryStore reader(Connection c) {
        return new HistoryStore(c);
    }

    private void recover() throws SQLException {
        OptionalLong beat = lastHeartbeat();
        try (PreparedStatement q = db.prepareStatement("SELECT id, start_ts FROM calls WHERE end_ts IS NULL")) {
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                long id = rs.getLong(1);
                long end = Math.max(rs.getLong(2), Math.max(beat.orElse(0), lastJoin(id)));
                closeCall(id, end, RUNTIME_STOPPED);
                LOG.info("call {} was open when the runtime stopped: closed at {}", id, end);
            }
        }
    }

    private long lastJoin(long callId) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT MAX(join_ts) FROM participants WHERE call_id = ?")) {
            q.setLong(1, callId);
            ResultSet rs = q.executeQuery();
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** @return the last heartbeat */
    public OptionalLong lastHeartbeat() throws SQLException {
        try (Statement s = db.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT ts FROM heartbeat WHERE id = 1");
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    /** Records that the runtime is alive at {@code now}. */
    public void heartbeat(long now) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("MERGE INTO heartbeat(id, ts) KEY(id) VALUES (1, ?)")) {
            u.setLong(1, now);
            u.executeUpdate();
        }
    }

    /** Applies one session event observed at {@code now}. */
    public void apply(SessionEvent event, long now) throws SQLException {
        Session s = event.session();
        switch (event) {
            case SessionEvent.SessionStarted started -> {
                Optional<Long> running = openCall(s.roomId(), s.slotId().value());
                if (running.isPresent()) {
                    LOG.warn("room {} slot {}: session started while call {} is open; closing it", s.roomId(),
                            s.slotId(), running.get());
                    closeCall(running.get(), now, ENDED);
                }
                long id = insertCall(s.roomId(), s.slotId().value(), s.startTs());
                for (Member m : s.members()) {
                    insertParticipant(id, m, Math.max(s.startTs(), Math.min(m.createdTs(), now)));
                }
            }
            case SessionEvent.MemberJoined joined -> {
                long id = callFor(s, now);
                if (!isIn(id, joined.member())) { // the core may also report the members a session started with
                    insertParticipant(id, joined.member(), now);
                }
            }
            case SessionEvent.MemberLeft left -> {
                long id = callFor(s, now);
                try (PreparedStatement u = db.prepareStatement("UPDATE participants SET leave_ts = ? WHERE call_id = ?"
                        + " AND member_id = ? AND user_id = ? AND device_id = ? AND leave_ts IS NULL")) {
                    u.setLong(1, now);
                    u.setLong(2, id);
                    u.setString(3, left.member().memberId());
                    u.setString(4, left.member().userId());
                    u.setString(5, left.member().deviceId());
                    u.executeUpdate();
                }
            }
            case SessionEvent.SessionEnded ended -> {
                Optional<Long> id = openCall(s.roomId(), s.slotId().value());
                if (id.isPresent()) {
                    closeCall(id.get(), ended.endTs(), ENDED);
                }
            }
            case SessionEvent.MemberUpdated updated -> {
                // same join, content re-sent: nothing to record
            }
            case SessionEvent.ActiveTransportChanged changed -> {
                // not part of the history
            }
        }
        heartbeat(now);
    }

    /** Closes every open call at {@code ts} (clean stop). */
    public void closeOpenCalls(long ts, String reason) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT id FROM calls WHERE end_ts IS NULL")) {
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                closeCall(rs.getLong(1), ts, reason);
            }
        }
        heartbeat(ts);
    }

    /** @return the room's calls, newest first */
    public List<CallRecord> calls(String roomId, int limit) throws SQLException {
        List<CallRecord> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT id, room_id, slot_id, start_ts, end_ts, end_reason"
                + " FROM calls WHERE room_id = ? ORDER BY start_ts DESC, id DESC LIMIT ?")) {
            q.setString(1, roomId);
            q.setInt(2, Math.max(0, limit));
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                out.add(record(rs));
            }
        }
        return out;
    }

    /** @return one call */
    public Optional<CallRecord> call(long id) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(
                "SELECT id, room_id, slot_id, start_ts, end_ts, end_reason FROM calls WHERE id = ?")) {
            q.setLong(1, id);
            ResultSet rs = q.executeQuery();
            return rs.next() ? Optional.of(record(rs)) : Optional.empty();
        }
    }

    private CallRecord record(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        long end = rs.getLong(5);
        OptionalLong endTs = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(end);
        String reason = rs.getString(6);
        return new CallRecord(id, rs.getString(2), rs.getString(3), rs.getLong(4), endTs, reason == null ? "" : reason,
                participants(id));
    }

    private List<Participant> participants(long callId) throws SQLException {
        List<Participant> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT user_id, device_id, member_id, join_ts, leave_ts"
                + " FROM participants WHERE call_id = ? ORDER BY join_ts, seq")) {
            q.setLong(1, callId);
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                long leave = rs.getLong(5);
                OptionalLong leaveTs = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(leave);
                out.add(new Participant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), leaveTs));
            }
        }
        return out;
    }

    private long callFor(Session s, long now) throws SQLException {
        Optional<Long> id = openCall(s.roomId(), s.slotId().value());
        if (id.isPresent()) {
            return id.get();
        }
        // joined a session this store has not seen start (e.g. the store came up late): record it from now
        long created = insertCall(s.roomId(), s.slotId().value(), Math.min(s.startTs(), now));
        for (Member m : s.members()) {
            insertParticipant(created, m, Math.max(s.startTs(), Math.min(m.createdTs(), now)));
        }
        return created;
    }

    private Optional<Long> openCall(String roomId, String slotId) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT id FROM calls WHERE room_id = ? AND slot_id = ?"
                + " AND end_ts IS NULL ORDER BY id DESC LIMIT 1")) {
            q.setString(1, roomId);
            q.setString(2, slotId);
            ResultSet rs = q.executeQuery();
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    private long insertCall(String roomId, String slotId, long startTs) throws SQLException {
        try (PreparedStatement i = db.prepareStatement("INSERT INTO calls(room_id, slot_id, start_ts) VALUES (?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            i.setString(1, roomId);
            i.setString(2, slotId);
            i.setLong(3, startTs);
            i.executeUpdate();
            ResultSet keys = i.getGeneratedKeys();
            keys.next();
            return keys.getLong(1);
        }
    }

    private boolean isIn(long callId, Member m) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM participants WHERE call_id = ? AND member_id = ?"
                + " AND user_id = ? AND device_id = ? AND leave_ts IS NULL")) {
            q.setLong(1, callId);
            q.setString(2, m.memberId());
            q.setString(3, m.userId());
            q.setString(4, m.deviceId());
            return q.executeQuery().next();
        }
    }

    private void insertParticipant(long callId, Member m, long joinTs) throws SQLException {
        try (PreparedStatement i = db.prepareStatement("INSERT INTO participants(call_id, user_id, device_id, member_id,"
                + " join_ts) VALUES (?, ?, ?, ?, ?)")) {
            i.setLong(1, callId);
            i.setString(2, m.userId());
            i.setString(3, m.deviceId());
            i.setString(4, m.memberId());
            i.setLong(5, joinTs);
            i.executeUpdate();
        }
    }

    private void closeCall(long id, long endTs, String reason) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("UPDATE calls SET end_ts = ?, end_reason = ? WHERE id = ?")) {
            u.setLong(1, endTs);
            u.setString(2, reason);
            u.setLong(3, id);
            u.executeUpdate();
        }
        // a leave observed in the same batch as the end was stamped by this store's clock, possibly just after the
        // core's end time: no participant leaves after its call ended
        try (PreparedStatement u = db.prepareStatement(
                "UPDATE participants SET leave_ts = GREATEST(?, join_ts) WHERE call_id = ? AND (leave_ts IS NULL OR leave_ts > ?)")) {
            u.setLong(1, endTs);
            u.setLong(2, id);
            u.setLong(3, endTs);
            u.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
