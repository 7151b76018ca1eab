package dev.mxrtc.homeserver.core;

import dev.mxrtc.homeserver.store.Database;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * To-device messages a device's {@code /sync} acknowledged (by sending a later since token), deleted off the answer
 * path. Each acknowledgement raises the device's watermark at once; one actor thread deletes the rows at or below the
 * watermarks in batches, one write transaction for all devices acknowledged meanwhile.
 *
 * <p>Reads hide rows at or below the watermark ({@link #ackedUpTo}), so an answer never repeats an acknowledged
 * message, even before its row is deleted: what a client sees is the same as when the sync deleted them itself (which
 * put a writer-lock transaction into every to-device answer). A watermark is dropped only after its rows are deleted,
 * and callers read it before taking their snapshot, so a snapshot older than the deletion still sees the watermark.
 * {@link #close()} deletes what is pending; after a crash, undeleted acknowledged rows could reach only a client that
 * syncs again with a token older than one it already sent.
 */
public final class ToDeviceAcks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ToDeviceAcks.class);

    private final Database db;
    private final Keys keys;
    /** Highest acknowledged stream position per device, until its rows are deleted. */
    private final Map<Caller, Long> acked = new ConcurrentHashMap<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final ExecutorService deleter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "homeserver-to-device-acks");
        t.setDaemon(true);
        return t;
    });

    public ToDeviceAcks(Database db, Keys keys) {
        this.db = db;
        this.keys = keys;
    }

    /** The device's highest acknowledged position not yet deleted (0: none). Read it before taking a snapshot. */
    public long ackedUpTo(Caller device) {
        return acked.getOrDefault(device, 0L);
    }

    /** The device acknowledged everything at or below {@code upTo}. */
    public void acknowledge(Caller device, long upTo) {
        acked.merge(device, upTo, Math::max);
        if (flushQueued.compareAndSet(false, true)) {
            try {
                deleter.execute(this::flush);
            } catch (RejectedExecutionException stopping) {
                flushQueued.set(false); // closed: close() deleted what it could
            }
        }
    }

    private void flush() {
        flushQueued.set(false); // acknowledgements from here on queue another flush
        Map<Caller, Long> batch = new HashMap<>(acked);
        if (batch.isEmpty()) return;
        try {
            db.tx(tx -> {
                for (Map.Entry<Caller, Long> e : batch.entrySet()) keys.deleteAcknowledged(tx, e.getKey(), e.getValue());
                return null;
            });
            batch.forEach(acked::remove); // remove(key, value): kept if it rose meanwhile
        } catch (RuntimeException e) {
            LOG.warn("Deleting acknowledged to-device messages of {} devices failed; the next acknowledgement retries",
                    batch.size(), e);
        }
    }

    /** Stops the actor and deletes what is still pending. Idempotent. */
    @Override
    public void close() {
        deleter.shutdown();
        try {
            if (!deleter.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("To-device deletions did not finish in 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
