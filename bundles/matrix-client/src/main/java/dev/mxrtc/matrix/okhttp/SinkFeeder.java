package dev.mxrtc.matrix.okhttp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.SyncListener;

/**
 * Feeds the core: every {@link RoomEventSink} gets each joined room's state + timeline + sticky events and
 * {@code onRoomLeft} for left rooms; every {@link SyncListener} gets whole batches. A sink that arrives (or every
 * sink after a restart) is "fresh" and first gets a snapshot: the rooms of a full sync, so it learns the current
 * state and the unexpired sticky events it would otherwise never see. A sink may therefore see an event twice
 * (snapshot and chain); {@link RoomEventSink} consumers are idempotent per event id.
 */
final class SinkFeeder implements SyncDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(SinkFeeder.class);

    private final String userId;
    /** sink → whether it still needs a snapshot */
    private final Map<RoomEventSink, Boolean> sinks = new ConcurrentHashMap<>();
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Runnable wake = () -> { };

    SinkFeeder(String userId) {
        this.userId = userId;
    }

    /** @param wake asks the sync loop to take a snapshot soon (it cuts the long poll short) */
    void wakeWith(Runnable w) {
        this.wake = w;
    }

    void addSink(RoomEventSink sink) {
        sinks.put(sink, Boolean.TRUE);
        wake.run();
    }

    void removeSink(RoomEventSink sink) {
        sinks.remove(sink);
    }

    void addListener(SyncListener l) {
        listeners.add(l);
    }

    void removeListener(SyncListener l) {
        listeners.remove(l);
    }

    @Override
    public boolean snapshotWanted() {
        return sinks.containsValue(Boolean.TRUE);
    }

    @Override
    public void snapshot(SyncBatch snapshot) {
        sinks.forEach((sink, fresh) -> {
            if (fresh) {
                sinks.replace(sink, Boolean.TRUE, Boolean.FALSE);
                snapshot.joined().forEach((roomId, room) -> toSink(sink, roomId, room));
            }
        });
    }

    @Override
    public void batch(SyncBatch batch) {
        for (SyncListener l : listeners) {
            try {
                l.onSync(userId, batch);
            } catch (RuntimeException e) {
                LOG.warn("account {}: sync listener {} failed", userId, l.getClass().getName(), e);
            }
        }
        for (RoomEventSink sink : sinks.keySet()) {
            batch.joined().forEach((roomId, room) -> toSink(sink, roomId, room));
            for (String roomId : batch.left()) {
                try {
                    sink.onRoomLeft(roomId);
                } catch (RuntimeException e) {
                    LOG.warn("account {} room {}: sink {} failed on leave", userId, roomId,
                            sink.getClass().getName(), e);
                }
            }
        }
    }

    private void toSink(RoomEventSink sink, String roomId, SyncBatch.JoinedRoom room) {
        if (room.isEmpty()) {
            return;
        }
        try {
            sink.onRoomEvents(roomId, room.all());
        } catch (RuntimeException e) {
            LOG.warn("account {} room {}: sink {} failed", userId, roomId, sink.getClass().getName(), e);
        }
    }

    /** A delivery that also hands batches to {@code extra} first (the client's own listeners). */
    SyncDelivery after(Consumer<SyncBatch> extra) {
        SinkFeeder self = this;
        return new SyncDelivery() {
            @Override
            public void batch(SyncBatch batch) {
                extra.accept(batch);
                self.batch(batch);
            }

            @Override
            public boolean snapshotWanted() {
                return self.snapshotWanted();
            }

            @Override
            public void snapshot(SyncBatch snapshot) {
                self.snapshot(snapshot);
            }
        };
    }
}
