package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.store.Database;
import dev.mxrtc.homeserver.store.Database.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MSC4140 delayed events, persisted in {@code delayed_events} with an absolute {@code fire_at}, so a restart
 * keeps pending ones pending (with their remaining time) and sends overdue ones at start-up.
 *
 * <pre>
 *  schedule ──► SCHEDULED ──(timer due | action send)──────────────► SENT
 *                 │   ▲
 *                 │   └── restart: fire_at = now + delay
 *                 ├──(action cancel | another user's state at the same type+key)──► CANCELLED
 *                 └──(timer due, but sending is refused, e.g. no permission)──► FAILED
 * </pre>
 *
 * Actions on a finalised event: the same outcome again is 200 (idempotent), anything else 404 {@code M_NOT_FOUND}
 * (as Synapse, which forgets them; js-sdk treats 404 on restart as "my leave already fired").
 * One thread, the scheduler, owns the timer; it only waits for the earliest {@code fire_at}.
 */
public final class DelayedEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedEvents.class);

    /** A management action. */
    public enum Action { SEND, CANCEL, RESTART }

    private final Database db;
    private final Rooms rooms;
    private final Ids ids;
    private final Clock clock;
    private final long maxDelayMs;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> next; // touched only on the scheduler thread

    public DelayedEvents(Database db, Rooms rooms, Ids ids, Clock clock, long maxDelayMs) {
        this.db = db;
        this.rooms = rooms;
        this.ids = ids;
        this.clock = clock;
        this.maxDelayMs = maxDelayMs;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "homeserver-delayed-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends what became due while the server was down, then waits for the next one. */
    public void start() {
        scheduler.execute(this::fireDueAndPlan);
    }

    public void stop() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("Delayed-event scheduler did not stop in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static MatrixError maxDelayExceeded(long max) {
        return new MatrixError(400, "M_UNKNOWN", "The requested delay exceeds the allowed maximum.",
                Map.of("org.matrix.msc4140.errcode", "M_MAX_DELAY_EXCEEDED", "org.matrix.msc4140.max_delay", max));
    }

    /** Schedules an event; a repeated transaction id returns the first delay id. */
    public String schedule(Caller caller, String roomId, String type, String stateKey, ObjectNode content,
                           long delayMs, Long stickyMs, String txnId) {
        if (delayMs < 0) throw MatrixError.invalidParam("delay must not be negative");
        if (delayMs > maxDelayMs) throw maxDelayExceeded(maxDelayMs);
        String txnKey = txnId == null ? null : "send:" + roomId + ":" + txnId;
        String delayId = db.tx(tx -> {
            if (txnKey != null) {
                Optional<Txns.Previous> prev = Txns.find(tx, caller, txnKey);
                if (prev.isPresent() && prev.get().delayId() != null) return prev.get().delayId();
                if (prev.isPresent()) throw MatrixError.invalidParam("Transaction id already used for an event");
            }
            String version = rooms.roomVersion(tx, roomId).orElseThrow(() -> MatrixError.forbidden("Unknown room " + roomId));
            rooms.requireJoined(tx, roomId, caller.userId());
            if (stateKey != null && !PowerLevels.ownsStateKey(caller.userId(), stateKey, version)) {
                throw MatrixError.forbidden("You are not allowed to set others' state");
            }
            String id = ids.delayId();
            long now = clock.millis();
            tx.update("INSERT INTO delayed_events (delay_id, user_id, device_id, room_id, type, state_key, content, delay_ms, "
                            + "sticky_ms, txn_id, scheduled_at, fire_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled')",
                    id, caller.userId(), caller.deviceId(), roomId, type, stateKey, Json.write(content), delayMs, stickyMs,
                    txnId, now, now + delayMs);
            if (txnKey != null) Txns.record(tx, caller, txnKey, null, id);
            return id;
        });
        LOG.debug("Scheduled delayed event {} in {} for {} ({} ms)", delayId, roomId, caller.userId(), delayMs);
        plan();
        return delayId;
    }

    /**
     * Applies an action. {@code caller} null means an unauthenticated request (the delay id is the capability,
     * as lk-jwt-service uses it); otherwise another user's delay id is "not found".
     */
    public void act(Caller caller, String delayId, Action action) {
        db.tx(tx -> {
            Row row = find(tx, delayId).filter(r -> caller == null || r.userId().equals(caller.userId()))
                    .orElseThrow(() -> MatrixError.notFound("Unknown delayed event"));
            if (!"scheduled".equals(row.status())) {
                boolean same = (action == Action.SEND && "sent".equals(row.status()))
                        || (action == Action.CANCEL && "cancelled".equals(row.status()));
                if (same) return null;
                throw MatrixError.notFound("Unknown delayed event");
            }
            long now = clock.millis();
            switch (action) {
                case CANCEL -> tx.update("UPDATE delayed_events SET status = 'cancelled', finalised_ts = ? WHERE delay_id = ?",
                        now, delayId);
                case RESTART -> tx.update("UPDATE delayed_events SET scheduled_at = ?, fire_at = ? WHERE delay_id = ?",
                        now, now + row.delayMs(), delayId);
                case SEND -> fire(tx, row, now);
            }
            return null;
        });
        plan();
    }

    /** {@code GET .../delayed_events}: the caller's scheduled ones, or finalised ones with {@code status=finalised}. */
    public ObjectNode list(Caller caller, String status, String delayId) {
        boolean finalised = "finalised".equals(status);
        if (status != null && !finalised && !"scheduled".equals(status)) throw MatrixError.invalidParam("Unknown status");
        return db.tx(tx -> {
            List<Row> rows = tx.query("SELECT " + Row.COLUMNS + " FROM delayed_events WHERE user_id = ? AND "
                    + (finalised ? "status <> 'scheduled'" : "status = 'scheduled'")
                    + " AND (CAST(? AS VARCHAR) IS NULL OR delay_id = ?) ORDER BY fire_at", Row::read,
                    caller.userId(), delayId, delayId);
            ObjectNode out = Json.object();
            ArrayNode arr = out.putArray(finalised ? "finalised" : "delayed_events");
            rows.forEach(r -> arr.add(r.toJson()));
            if (finalised) out.putArray("delayed_events");
            return out;
        });
    }

    public ObjectNode get(Caller caller, String delayId) {
        return db.tx(tx -> find(tx, delayId).filter(r -> r.userId().equals(caller.userId()))
                .orElseThrow(() -> MatrixError.notFound("Unknown delayed event")).toJson());
    }

    // ---- timer ---------------------------------------------------------------------------------------

    private void plan() {
        try {
            scheduler.execute(this::planOnScheduler);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            LOG.debug("Delayed-event scheduler stopped; not planning");
        }
    }

    private void planOnScheduler() {
        if (next != null) next.cancel(false);
        Optional<Long> earliest = db.tx(tx -> tx.queryOne(
                "SELECT MIN(fire_at) FROM delayed_events WHERE status = 'scheduled'", rs -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }));
        next = earliest.map(at -> scheduler.schedule(this::fireDueAndPlan, Math.max(0, at - clock.millis()),
                TimeUnit.MILLISECONDS)).orElse(null);
    }

    private void fireDueAndPlan() {
        try {
            long now = clock.millis();
            db.tx(tx -> {
                for (Row row : tx.query("SELECT " + Row.COLUMNS + " FROM delayed_events WHERE status = 'scheduled' "
                        + "AND fire_at <= ? ORDER BY fire_at", Row::read, now)) {
                    try {
                        fire(tx, row, now);
                    } catch (MatrixError refused) {
                        LOG.info("Delayed event {} in {} could not be sent: {}", row.delayId(), row.roomId(), refused.errcode());
                        tx.update("UPDATE delayed_events SET status = 'failed', error = ?, finalised_ts = ? WHERE delay_id = ?",
                                refused.errcode(), now, row.delayId());
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.error("Sending due delayed events failed", e);
        }
        planOnScheduler();
    }

    private void fire(Tx tx, Row row, long now) throws SQLException {
        ObjectNode content = (ObjectNode) Json.parseStored(row.content());
        StoredEvent sent = rooms.send(tx, new Caller(row.userId(), row.deviceId()), row.roomId(), row.type(),
                row.stateKey(), content, row.stickyMs(), null, row.delayId());
        tx.update("UPDATE delayed_events SET status = 'sent', event_id = ?, finalised_ts = ? WHERE delay_id = ?",
                sent.eventId(), now, row.delayId());
        LOG.debug("Sent delayed event {} as {} in {}", row.delayId(), sent.eventId(), row.roomId());
    }

    private static Optional<Row> find(Tx tx, String delayId) throws SQLException {
        return tx.queryOne("SELECT " + Row.COLUMNS + " FROM delayed_events WHERE delay_id = ?", Row::read, delayId);
    }

    private record Row(String delayId, String userId, String deviceId, String roomId, String type, String stateKey,
                       String content, long delayMs, Long stickyMs, long scheduledAt, long fireAt, String status,
                       String eventId, String error, Long finalisedTs) {
        static final String COLUMNS = "delay_id, user_id, device_id, room_id, type, state_key, content, delay_ms, "
                + "sticky_ms, scheduled_at, fire_at, status, event_id, error, finalised_ts";

        static Row read(ResultSet rs) throws SQLException {
            long sticky = rs.getLong(9);
            Long stickyMs = rs.wasNull() ? null : sticky;
            long fin = rs.getLong(15);
            Long finalised = rs.wasNull() ? null : fin;
            return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getLong(8), stickyMs, rs.getLong(10), rs.getLong(11),
                    rs.getString(12), rs.getString(13), rs.getString(14), finalised);
        }

        ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("delay_id", delayId);
            o.put("room_id", roomId);
            o.put("type", type);
            if (stateKey != null) o.put("state_key", stateKey);
            o.put("delay", delayMs);
            o.put("delay_ms", delayMs);
            o.put("running_since", scheduledAt);
            o.put("scheduled_at", scheduledAt);
            o.set("content", Json.parseStored(content));
            if (!"scheduled".equals(status)) {
                o.put("outcome", status);
                if (eventId != null) o.put("event_id", eventId);
                if (error != null) o.putObject("error").put("errcode", error);
                if (finalisedTs != null) o.put("finalised_ts", finalisedTs);
            }
            return o;
        }
    }
}
