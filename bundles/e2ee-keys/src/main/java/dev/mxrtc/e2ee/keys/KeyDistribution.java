package dev.mxrtc.e2ee.keys;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.EncryptedToDeviceSender;
import dev.mxrtc.e2ee.KeyFormat;
import dev.mxrtc.e2ee.KeySink;
import dev.mxrtc.e2ee.KeyTransport;
import dev.mxrtc.e2ee.ReceivedKey;
import dev.mxrtc.e2ee.VerifiedToDevice;
import dev.mxrtc.e2ee.VerifiedToDeviceListener;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.SyncBatch;

/**
 * One account's media keys: the transports, the receive gate of each room the account is in a session of, and the
 * scheme's {@link Keying} they feed. Independent of OSGi (the DS component and the tests build it directly).
 *
 * <p>Threads: {@link #onSync} runs on the account's sync thread; {@link #membersChanged} on the core's per-room
 * delivery thread; sends happen on the scheme's thread. The gates and transports own their state with their own lock.
 */
public final class KeyDistribution implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyDistribution.class);

    /**
     * @param stickyFormat the to-device form sent to sticky (MSC4143) members; legacy members always get js-sdk 43's
     * @param sendRoomEvents also send the legacy Megolm room event (older Element Call)
     * @param maxBuffered keys kept per room while their membership has not arrived
     * @param bufferExpiryMs how long such a key waits before it is dropped
     * @param minRequeryMs least time between two {@code /keys/query} of one user on a cache miss
     */
    public record Settings(KeyFormat stickyFormat, boolean sendRoomEvents, int maxBuffered, long bufferExpiryMs,
            long minRequeryMs) {
        public Settings {
            Objects.requireNonNull(stickyFormat, "stickyFormat");
            if (maxBuffered < 0 || bufferExpiryMs <= 0 || minRequeryMs < 0) {
                throw new IllegalArgumentException("buffer size, expiry and requery interval must be positive");
            }
        }

        /** js-sdk 43's to-device form for everyone, no room events, 64 keys buffered for 60 s, requery after 2 s. */
        public static Settings defaults() {
            return new Settings(KeyFormat.JS_SDK_TO_DEVICE, false, 64, 60_000, 2_000);
        }
    }

    private record Joined(Member self, KeyGate gate, Keying keying) {
    }

    private final MatrixClient client;
    private final DeviceCrypto crypto;
    private final Clock clock;
    private final Settings settings;
    private final OlmToDeviceTransport toDevice;
    private final MegolmRoomTransport roomEvents;
    private final Map<String, Joined> rooms = new ConcurrentHashMap<>();
    private final List<VerifiedToDeviceListener> listeners = new CopyOnWriteArrayList<>();
    /** Drops of to-device events that name no room we key (undecryptable Olm, for instance). */
    private final Map<DropReason, Integer> unroutedDrops = new ConcurrentHashMap<>();
    /** Keys for rooms we have not joined yet (others may see our membership before we open our keying). */
    private final java.util.Deque<Map.Entry<ReceivedKey, Long>> early = new java.util.ArrayDeque<>();

    public KeyDistribution(MatrixClient client, DeviceCrypto crypto, Clock clock, Settings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        DeviceDirectory directory = new DeviceDirectory(client, crypto, clock, settings.minRequeryMs());
        KeySink router = new Router();
        this.toDevice = new OlmToDeviceTransport(client, crypto, directory, router, clock, settings.stickyFormat(),
                this::handOn);
        this.roomEvents = new MegolmRoomTransport(client, crypto, directory, router, clock);
    }

    /** Starts keying {@code self}'s participation in the session with {@code scheme}. */
    public Keying join(Session session, Member self, EncryptionScheme scheme) {
        if (!self.userId().equals(crypto.userId()) || !self.deviceId().equals(crypto.deviceId())) {
            throw new IllegalArgumentException("self is not this account's device");
        }
        Keying[] keying = new Keying[1];
        KeyGate gate = new KeyGate(session.roomId(), clock, settings.maxBuffered(), settings.bufferExpiryMs(),
                (from, key) -> keying[0].keyReceived(from, key));
        List<KeyTransport> senders = new ArrayList<>(List.of(toDevice));
        if (settings.sendRoomEvents()) {
            senders.add(roomEvents);
        }
        keying[0] = scheme.open(session, self, (to, key) -> send(self, senders, to, key));
        // The room becomes known and the keys kept for it are taken in one step under the early-buffer lock, which
        // the router also holds from its rooms lookup to its add: a key that found no room is in the buffer before
        // the room appears, so it is taken here; it can no longer be added after the drain and sit there unseen.
        Joined previous;
        List<ReceivedKey> waiting = new ArrayList<>();
        synchronized (early) {
            previous = rooms.put(session.roomId(), new Joined(self, gate, keying[0]));
            long now = clock.millis();
            early.removeIf(e -> now - e.getValue() >= settings.bufferExpiryMs());
            early.removeIf(e -> e.getKey().roomId().equals(session.roomId()) && waiting.add(e.getKey()));
        }
        if (previous != null) {
            previous.keying().close();
        }
        gate.membersChanged(session);
        waiting.forEach(gate::received);
        LOG.info("room {}: keying {} with scheme {}", session.roomId(), self.memberId(), scheme.type());
        return keying[0];
    }

    /** The session's members changed (from the core's session events). */
    public void membersChanged(Session session) {
        Joined j = rooms.get(session.roomId());
        if (j == null) {
            return;
        }
        j.gate().membersChanged(session); // first: keys that waited for a joiner become usable
        j.keying().membersChanged(session);
    }

    /** Stops keying in the room (the local member left). */
    public void leave(String roomId) {
        Joined j = rooms.remove(roomId);
        if (j != null) {
            j.keying().close();
        }
    }

    /** Feed of the account's sync batches: to-device events, device list changes, room timelines. */
    public void onSync(SyncBatch batch) {
        rooms.values().forEach(j -> j.gate().expire()); // buffered keys whose membership never came
        toDevice.onSync(batch);
        batch.joined().forEach((roomId, room) -> {
            for (RoomEvent e : room.timeline()) {
                try {
                    roomEvents.onRoomEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("room {}: event {} not handled", roomId, e.eventId(), ex);
                }
            }
        });
    }

    /**
     * Adds a receiver of the decrypted to-device events that are not keys ({@link VerifiedToDeviceListener}).
     *
     * @return closing it removes the listener
     */
    public AutoCloseable addListener(VerifiedToDeviceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    private void handOn(VerifiedToDevice event) {
        if (listeners.isEmpty()) {
            LOG.debug("{}: no listener for it, dropped", event);
            return;
        }
        for (VerifiedToDeviceListener l : listeners) {
            try {
                l.received(event);
            } catch (RuntimeException e) {
                LOG.warn("a to-device listener failed on {}", event, e);
            }
        }
    }

    /** Encrypts one to-device event for one device and sends it (see {@link EncryptedToDeviceSender#send}). */
    public EncryptedToDeviceSender.Outcome sendEncrypted(String userId, String deviceId, String type,
            String contentJson, String txnId) {
        return toDevice.sendEvent(userId, deviceId, type, contentJson, txnId);
    }

    /** @return drops of to-device events that were not tied to a room we key (e.g. undecryptable Olm) */
    public Map<DropReason, Integer> unroutedDrops() {
        return Map.copyOf(unroutedDrops);
    }

    /** @return drops per reason in the room, for metrics and tests */
    public Map<DropReason, Integer> drops(String roomId) {
        return Optional.ofNullable(rooms.get(roomId)).map(j -> j.gate().drops()).orElse(Map.of());
    }

    private void send(Member self, List<KeyTransport> senders, Iterable<Member> to, MediaKey key) {
        List<Member> targets = new ArrayList<>();
        to.forEach(targets::add);
        for (KeyTransport t : senders) {
            try {
                t.send(self, targets, key);
            } catch (KeyTransport.KeyTransportException e) {
                LOG.warn("room {}: {} could not deliver key index {}: {}", self.roomId(), t.name(), key.index(),
                        e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        for (String room : List.copyOf(rooms.keySet())) {
            try {
                leave(room);
            } catch (RuntimeException e) {
                LOG.warn("room {}: closing keying failed", room, e);
            }
        }
        toDevice.close();
        roomEvents.close();
    }

    /** Hands received keys to the gate of their room; drops keys for rooms without a local session. */
    private final class Router implements KeySink {
        @Override
        public void received(ReceivedKey key) {
            Joined j;
            boolean kept = false;
            synchronized (early) { // with join's put-and-drain: a key is either routed or kept where join finds it
                j = rooms.get(key.roomId());
                if (j == null) {
                    long now = clock.millis();
                    early.removeIf(e -> now - e.getValue() >= settings.bufferExpiryMs());
                    kept = early.size() < settings.maxBuffered() && early.add(Map.entry(key, now));
                }
            }
            if (j == null) {
                if (kept) {
                    LOG.debug("key index {} from {} for room {} kept until we join it", key.key().index(),
                            key.userId(), key.roomId());
                } else {
                    dropped(key.roomId(), key.userId(), DropReason.BUFFER_FULL, "no local session in the room");
                }
            } else {
                j.gate().received(key);
            }
        }

        @Override
        public void dropped(String roomId, String sender, DropReason reason, String detail) {
            Joined j = rooms.get(roomId);
            if (j != null) {
                j.gate().dropped(roomId, sender, reason, detail);
            } else if (rooms.size() == 1) {
                rooms.values().iterator().next().gate().dropped(roomId, sender, reason, detail);
            } else {
                unroutedDrops.merge(reason, 1, Integer::sum);
                LOG.warn("to-device event from {} dropped: {} ({})", sender, reason, detail);
            }
        }
    }
}
