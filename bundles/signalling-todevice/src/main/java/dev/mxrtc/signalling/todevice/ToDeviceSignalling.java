package dev.mxrtc.signalling.todevice;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.SyncListener;
import dev.mxrtc.matrix.ToDeviceEvent;

/**
 * Signalling as Matrix to-device messages, in the MSC3401 shape: the call event type ({@code m.call.invite}, ...)
 * is the to-device event type, the content goes unchanged, and the receiver learns who sent it from the event's
 * {@code sender} (authenticated by the homeserver) plus the content's {@code device_id}, {@code sender_session_id}
 * and {@code room_id}. Sends go out in order on one thread per transport (an invite before its candidates).
 *
 * <p>Encryption, per the bound {@link ToDeviceCipher} (swapped at runtime by {@link #useCipher}/{@link #dropCipher}):
 * <pre>
 *   CLEARTEXT --useCipher(Olm for our account)--> OLM --dropCipher (E2EE bundle gone)--> CLEARTEXT
 *   CLEARTEXT: send in the clear; receive cleartext call events (device_id as claimed)
 *   OLM:       send m.room.encrypted in encrypted rooms (js-sdk's rule); in unencrypted rooms, and to a device
 *              without keys, in the clear unless encryption is required;
 *              receive the runtime's decrypted call events: device_id must be the Olm-proven device, else dropped;
 *              receive cleartext call events too unless encryption is required
 *   requireEncryption: no cleartext ever; without a cipher every send fails and every cleartext event is dropped
 * </pre>
 * {@code m.room.encrypted} events are never opened here: the E2EE runtime decrypts each once and hands call events
 * on through the cipher.
 */
public final class ToDeviceSignalling implements SignallingTransport, SyncListener, AutoCloseable {

    public static final String TYPE = "to_device";

    /** The call event types of MSC2746 / MSC3401 that are carried. */
    public static final Set<String> CALL_TYPES = Set.of("m.call.invite", "m.call.answer", "m.call.candidates",
            "m.call.negotiate", "m.call.hangup", "m.call.select_answer", "m.call.reject");

    /** Why a received call event was not delivered (counted, see {@link #drops()}). */
    public enum Drop {
        /** A cleartext call event while encryption is required. */
        CLEARTEXT_REFUSED,
        /** A decrypted call event whose {@code device_id} is not the device Olm proved. */
        FORGED_DEVICE,
        /** Not JSON, or no {@code device_id}/{@code sender_session_id}. */
        MALFORMED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ToDeviceSignalling.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MatrixClient client;
    private final Supplier<? extends Iterable<Receiver>> receivers;
    private final boolean requireEncryption;
    private final ExecutorService sender;
    private final ReentrantLock cipherLock = new ReentrantLock();
    private final Map<Drop, Integer> drops = new ConcurrentHashMap<>();
    private final Set<String> encryptedRooms = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> clearRooms = new ConcurrentHashMap<>();
    private volatile ToDeviceCipher cipher = ToDeviceCipher.NONE;
    private AutoCloseable opened = () -> { };

    /** Cleartext accepted (see the class comment); {@code cipher} bound at once. */
    public ToDeviceSignalling(MatrixClient client, Supplier<? extends Iterable<Receiver>> receivers,
            ToDeviceCipher cipher) {
        this(client, receivers, cipher, false);
    }

    /**
     * @param receivers the receivers every call event goes to (the whiteboard)
     * @param cipher encrypts sends and hands decrypted receipts; {@link ToDeviceCipher#NONE} for cleartext
     * @param requireEncryption refuse cleartext both ways (see the class comment)
     */
    public ToDeviceSignalling(MatrixClient client, Supplier<? extends Iterable<Receiver>> receivers,
            ToDeviceCipher cipher, boolean requireEncryption) {
        this.client = client;
        this.receivers = receivers;
        this.requireEncryption = requireEncryption;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mxrtc-todevice-send-" + client.userId());
            t.setDaemon(true);
            return t;
        });
        if (cipher != ToDeviceCipher.NONE) {
            useCipher(cipher);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Encrypts from now on with {@code next}, if it is for this account (else logged and ignored).
     *
     * @return whether it is in use
     */
    public boolean useCipher(ToDeviceCipher next) {
        if (!next.covers(client.userId(), client.deviceId())) {
            LOG.warn("{} {}: {} is not for this account; to-device signalling stays {}", client.userId(),
                    client.deviceId(), next, cipher);
            return false;
        }
        cipherLock.lock();
        try {
            closeOpened();
            opened = next.open(client.userId(), client.deviceId(), this::onOpened);
            cipher = next;
        } finally {
            cipherLock.unlock();
        }
        LOG.info("{} {}: to-device signalling is Olm-encrypted ({})", client.userId(), client.deviceId(), next);
        return true;
    }

    /** {@code gone} is going away (E2EE bundle stopped or replaced): fall back, if it was in use. */
    public void dropCipher(ToDeviceCipher gone) {
        cipherLock.lock();
        try {
            if (cipher != gone) {
                return;
            }
            closeOpened();
            cipher = ToDeviceCipher.NONE;
        } finally {
            cipherLock.unlock();
        }
        if (requireEncryption) {
            LOG.warn("{} {}: the E2EE runtime is gone; encryption is required, so call events are neither sent nor"
                    + " accepted until it is back", client.userId(), client.deviceId());
        } else {
            LOG.warn("{} {}: the E2EE runtime is gone; to-device signalling falls back to cleartext", client.userId(),
                    client.deviceId());
        }
    }

    private void closeOpened() {
        try {
            opened.close();
        } catch (Exception e) {
            LOG.debug("closing the cipher's inbound failed", e);
        }
        opened = () -> { };
    }

    /** @return whether sends are Olm-encrypted now */
    public boolean encrypted() {
        return cipher != ToDeviceCipher.NONE;
    }

    /** @return received call events not delivered, per reason */
    public Map<Drop, Integer> drops() {
        return Map.copyOf(drops);
    }

    @Override
    public CompletionStage<Void> send(Peer to, Message message) {
        try {
            return CompletableFuture.runAsync(() -> sendNow(to, message), sender);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("to-device signalling closed"));
        }
    }

    private void sendNow(Peer to, Message message) {
        String txn = "mxrtc-sig-" + UUID.randomUUID();
        ToDeviceCipher c = cipher;
        if (c != ToDeviceCipher.NONE && !requireEncryption && !encryptedRoom(to.roomId())) {
            LOG.debug("{} to {}/{} in the clear: room {} is not encrypted", message.type(), to.userId(),
                    to.deviceId(), to.roomId());
        } else if (c != ToDeviceCipher.NONE) {
            switch (c.send(to.userId(), to.deviceId(), message.type(), message.contentJson(), txn)) {
                case ENCRYPTED -> {
                    return;
                }
                case NO_DEVICE_KEYS -> {
                    if (requireEncryption) {
                        throw new IllegalStateException(to.userId() + "/" + to.deviceId()
                                + " publishes no device keys and encryption is required: " + message.type()
                                + " not sent");
                    }
                    LOG.info("{}/{} publishes no device keys: {} sent in the clear", to.userId(), to.deviceId(),
                            message.type());
                }
            }
        } else if (requireEncryption) {
            throw new IllegalStateException("encryption is required and no E2EE runtime is bound: " + message.type()
                    + " to " + to.userId() + "/" + to.deviceId() + " not sent");
        }
        client.sendToDevice(message.type(), Map.of(to.userId(), Map.of(to.deviceId(), message.contentJson())),
                Optional.of(txn));
    }

    /**
     * Whether the room has {@code m.room.encryption}. js-sdk's Rust crypto tracks the devices of encrypted rooms'
     * members only, and drops an Olm event from a device it does not track ("MissingSigningKey"), so Olm call events
     * reach js-sdk only in encrypted rooms; js-sdk too encrypts them only there. Encryption cannot be turned off, so a
     * yes is kept; a no is asked again after a minute. An unknown room (no room id, or the lookup failed) counts as
     * encrypted: the cautious side.
     */
    private boolean encryptedRoom(String roomId) {
        if (roomId == null || roomId.isEmpty() || encryptedRooms.contains(roomId)) {
            return true;
        }
        Long checked = clearRooms.get(roomId);
        long now = System.currentTimeMillis();
        if (checked != null && now - checked < 60_000) {
            return false;
        }
        try {
            if (client.stateEvent(roomId, "m.room.encryption", "").isPresent()) {
                encryptedRooms.add(roomId);
                return true;
            }
            clearRooms.put(roomId, now);
            return false;
        } catch (RuntimeException e) {
            LOG.debug("room {}: m.room.encryption not readable ({}); encrypting", roomId, e.toString());
            return true;
        }
    }

    @Override
    public void onSync(String userId, SyncBatch batch) {
        for (ToDeviceEvent e : batch.toDevice()) {
            if (!CALL_TYPES.contains(e.type())) {
                continue; // m.room.encrypted included: the E2EE runtime opens those and hands call events on
            }
            if (requireEncryption) {
                drop(Drop.CLEARTEXT_REFUSED, "ignoring a cleartext {} from {}: encryption is required", e.type(),
                        e.sender());
                continue;
            }
            deliver(e.sender(), null, e.type(), e.contentJson());
        }
    }

    /** A call event the E2EE runtime decrypted, with the device Olm proved. */
    private void onOpened(ToDeviceCipher.Opened o) {
        if (CALL_TYPES.contains(o.type())) {
            deliver(o.senderUserId(), o.senderDeviceId(), o.type(), o.contentJson());
        }
    }

    /** @param provenDevice the Olm-proven sender device, null for cleartext (then the claimed device is taken) */
    private void deliver(String sender, String provenDevice, String type, String contentJson) {
        JsonNode c;
        try {
            c = JSON.readTree(contentJson);
        } catch (JsonProcessingException ex) {
            drop(Drop.MALFORMED, "ignoring a {} from {}: content is not JSON", type, sender);
            return;
        }
        String device = text(c, "device_id");
        String member = text(c, "sender_session_id");
        if (device == null || member == null) {
            drop(Drop.MALFORMED, "ignoring a {} from {}: no device_id or sender_session_id", type, sender);
            return;
        }
        if (provenDevice != null && !provenDevice.equals(device)) {
            drop(Drop.FORGED_DEVICE, "dropping an encrypted {} from {}: it claims device {} but Olm proves device {}",
                    type, sender, device, provenDevice);
            return;
        }
        String room = text(c, "room_id");
        Peer from = new Peer(room == null ? "" : room, sender, device, member);
        Message m = new Message(type, contentJson);
        for (Receiver r : receivers.get()) {
            try {
                r.onMessage(TYPE, from, m);
            } catch (RuntimeException ex) {
                LOG.warn("a signalling receiver failed on a {} from {}", type, sender, ex);
            }
        }
    }

    private void drop(Drop reason, String format, Object... args) {
        drops.merge(reason, 1, Integer::sum);
        if (reason == Drop.FORGED_DEVICE) {
            LOG.warn(format, args);
        } else {
            LOG.info(format, args);
        }
    }

    private static String text(JsonNode c, String field) {
        JsonNode n = c == null ? null : c.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    @Override
    public void close() {
        cipherLock.lock();
        try {
            closeOpened();
        } finally {
            cipherLock.unlock();
        }
        sender.shutdown();
    }
}
