package dev.mxrtc.e2ee.runtime;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Encryption;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.Slot;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.EncryptionScheme;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.e2ee.EncryptedToDeviceSender;
import dev.mxrtc.e2ee.VerifiedToDeviceListener;
import dev.mxrtc.e2ee.keys.KeyDistribution;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.SyncBatch;

/**
 * Media keys for the account's own participations: one {@link KeyDistribution} fed by the client's sync batches
 * and by the core's session events. Plain Java (the DS component and the tests build it).
 *
 * <pre>
 *  per room:   NOT_KEYING --(a session of the room lists our device)--> KEYING(slot, member id)
 *              KEYING --(members changed, we are still in)--> KEYING          (scheme rotates/distributes)
 *              KEYING --(our member id changed: a re-join)--> KEYING(new id)  (keying closed and opened again)
 *              KEYING --(our device left that slot / session ended)--> NOT_KEYING
 * </pre>
 *
 * Threads: session events arrive on the core's per-room thread, the catch-up of {@link #sessionsNow} on the
 * caller's; one lock owns the per-room state. Key uploads run on the runtime's own thread, never the sync thread.
 */
public final class E2eeRuntime implements RtcSessionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(E2eeRuntime.class);
    private static final String OTK_ALGORITHM = "signed_curve25519";

    /**
     * @param defaultScheme the scheme for slots that declare no encryption (or one without a service)
     * @param oneTimeKeys how many one-time keys the server should hold; topped up when half are claimed
     * @param keys the key distribution's settings
     */
    public record Settings(String defaultScheme, int oneTimeKeys, KeyDistribution.Settings keys) {
        public Settings {
            Objects.requireNonNull(defaultScheme, "defaultScheme");
            Objects.requireNonNull(keys, "keys");
            if (oneTimeKeys < 1 || oneTimeKeys > 100) {
                throw new IllegalArgumentException("one_time_keys is 1..100 (an Olm account holds 100)");
            }
        }
    }

    /** How the slot of a session is declared (the core's {@code RtcSessions.slot}). */
    @FunctionalInterface
    public interface SlotLookup {
        Optional<Slot> slot(String roomId, SlotId slotId);
    }

    private record Keyed(SlotId slot, String memberId, Keying keying) {
    }

    private final MatrixClient client;
    private final DeviceCrypto crypto;
    private final Function<String, Optional<EncryptionScheme>> schemes;
    private final SlotLookup slots;
    private final Settings settings;
    private final KeyDistribution keys;
    private final ExecutorService uploads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Keyed> rooms = new HashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean uploading = new AtomicBoolean();
    private volatile AutoCloseable syncRegistration = () -> { };

    /**
     * @param schemes the scheme service of a type ({@value EncryptionScheme#TYPE_PROPERTY}), if one is there
     */
    public E2eeRuntime(MatrixClient client, DeviceCrypto crypto, Function<String, Optional<EncryptionScheme>> schemes,
            SlotLookup slots, Clock clock, Settings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.schemes = Objects.requireNonNull(schemes, "schemes");
        this.slots = Objects.requireNonNull(slots, "slots");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!client.userId().equals(crypto.userId()) || !client.deviceId().equals(crypto.deviceId())) {
            throw new IllegalArgumentException("the DeviceCrypto is not the client's device");
        }
        this.keys = new KeyDistribution(client, crypto, clock, settings.keys());
        this.uploads = Executors.newSingleThreadExecutor(r -> new Thread(r, "mxrtc-e2ee-keys-" + client.userId()));
    }

    /** Uploads the device and one-time keys (synchronously) and starts listening to the sync batches. Idempotent. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        uploadKeys(settings.oneTimeKeys(), true);
        syncRegistration = client.addSyncListener((user, batch) -> onSync(batch));
        LOG.info("{} {}: media keys on, default scheme {}", client.userId(), client.deviceId(),
                settings.defaultScheme());
    }

    private void onSync(SyncBatch batch) {
        keys.onSync(batch);
        int onServer = (int) Math.min(settings.oneTimeKeys(),
                batch.oneTimeKeyCounts().getOrDefault(OTK_ALGORITHM, (long) settings.oneTimeKeys()));
        boolean fallbackUsed = batch.unusedFallbackKeyTypes().map(t -> !t.contains(OTK_ALGORITHM)).orElse(false);
        if ((onServer < settings.oneTimeKeys() / 2 || fallbackUsed) && uploading.compareAndSet(false, true)) {
            uploads.execute(() -> {
                try {
                    uploadKeys(settings.oneTimeKeys() - onServer, fallbackUsed);
                } finally {
                    uploading.set(false);
                }
            });
        }
    }

    /** device_keys (always: idempotent on the server), {@code count} new one-time keys, a fallback key if asked. */
    private void uploadKeys(int count, boolean fallback) {
        try {
            StringBuilder body = new StringBuilder("{\"device_keys\":").append(crypto.deviceKeysJson());
            if (count > 0) {
                body.append(",\"one_time_keys\":").append(crypto.oneTimeKeysJson(count));
            }
            if (fallback) {
                body.append(",\"fallback_keys\":").append(crypto.fallbackKeysJson());
            }
            client.uploadKeys(body.append('}').toString());
            crypto.markKeysAsPublished();
            LOG.debug("{} {}: uploaded device keys, {} one-time keys{}", client.userId(), client.deviceId(), count,
                    fallback ? " and a fallback key" : "");
        } catch (RuntimeException e) {
            LOG.warn("{} {}: key upload failed: {}", client.userId(), client.deviceId(), e.toString());
        }
    }

    @Override
    public void onSessionEvent(SessionEvent event) {
        Session session = event.session();
        Optional<Member> self = switch (event) {
            case SessionEvent.SessionEnded ended -> Optional.empty();
            case SessionEvent.SessionStarted started -> own(session);
            case SessionEvent.MemberJoined joined -> own(session);
            case SessionEvent.MemberLeft left -> own(session);
            case SessionEvent.MemberUpdated updated -> own(session);
            case SessionEvent.ActiveTransportChanged changed -> own(session);
        };
        apply(session, self);
    }

    /** Catch-up with sessions that exist already (the runtime started after the core). */
    public void sessionsNow(Iterable<Session> sessions) {
        for (Session s : sessions) {
            Optional<Member> self = own(s);
            if (self.isPresent()) {
                apply(s, self);
            }
        }
    }

    private Optional<Member> own(Session session) {
        return session.members().stream()
                .filter(m -> m.userId().equals(client.userId()) && m.deviceId().equals(client.deviceId()))
                .findFirst();
    }

    private void apply(Session session, Optional<Member> self) {
        String room = session.roomId();
        lock.lock();
        try {
            if (closed.get()) {
                return;
            }
            Keyed now = rooms.get(room);
            if (now != null && !now.slot().equals(session.slotId())) {
                return; // keys are per room: we key the slot we joined first; other slots' events pass by
            }
            if (self.isEmpty()) {
                if (now != null) {
                    keys.leave(room);
                    rooms.remove(room);
                    LOG.info("room {}: left slot {}, keying stopped", room, session.slotId());
                }
                return;
            }
            Member me = self.get();
            if (now != null && now.memberId().equals(me.memberId())) {
                keys.membersChanged(session);
                return;
            }
            if (now != null) {
                keys.leave(room);
                LOG.info("room {}: re-joined as a new member, keying again", room);
            }
            Optional<EncryptionScheme> scheme = schemeFor(session);
            if (scheme.isEmpty()) {
                rooms.remove(room);
                LOG.warn("room {}: no encryption scheme service for slot {}, media keys not distributed", room,
                        session.slotId());
                return;
            }
            rooms.put(room, new Keyed(session.slotId(), me.memberId(), keys.join(session, me, scheme.get())));
        } finally {
            lock.unlock();
        }
    }

    /** The slot's declared mechanism if a service has it ({@code m.per_member} is {@code per_member}), else the default. */
    private Optional<EncryptionScheme> schemeFor(Session session) {
        Optional<String> declared = slots.slot(session.roomId(), session.slotId()).flatMap(Slot::encryption)
                .map(Encryption::type).map(t -> switch (t) {
                    case Encryption.PER_MEMBER, Encryption.PER_MEMBER_UNSTABLE -> "per_member";
                    default -> t;
                });
        return declared.flatMap(schemes).or(() -> schemes.apply(settings.defaultScheme()));
    }

    /** @return the keying of our participation in the room, while there is one */
    public Optional<Keying> keying(String roomId) {
        lock.lock();
        try {
            return Optional.ofNullable(rooms.get(roomId)).map(Keyed::keying);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a receiver of the account's Olm-decrypted to-device events that are not media keys (decrypted here once).
     *
     * @return closing it removes the listener
     */
    public AutoCloseable addListener(VerifiedToDeviceListener listener) {
        return keys.addListener(listener);
    }

    /** @return the account's encrypt-and-send service (refuses once this runtime is closed) */
    public EncryptedToDeviceSender sender() {
        return new EncryptedToDeviceSender() {
            @Override
            public String userId() {
                return client.userId();
            }

            @Override
            public String deviceId() {
                return client.deviceId();
            }

            @Override
            public Outcome send(String userId, String deviceId, String type, String contentJson, String txnId) {
                if (closed.get()) {
                    return new Failed("the E2EE runtime of " + client.userId() + " is closed");
                }
                return keys.sendEncrypted(userId, deviceId, type, contentJson, txnId);
            }
        };
    }

    /** @return the key distribution (drop counts for metrics and tests) */
    public KeyDistribution distribution() {
        return keys;
    }

    /** Stops listening and keying; does not close the client or the crypto store. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            syncRegistration.close();
        } catch (Exception e) {
            LOG.warn("removing the sync listener failed", e);
        }
        lock.lock();
        try {
            rooms.clear();
        } finally {
            lock.unlock();
        }
        try {
            keys.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the key distribution failed", e);
        }
        uploads.shutdownNow();
        try {
            uploads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
