package dev.mxrtc.e2ee.keys;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.DecryptedRoomEvent;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.KeyFormat;
import dev.mxrtc.e2ee.KeySink;
import dev.mxrtc.e2ee.KeyTransport;
import dev.mxrtc.e2ee.ReceivedKey;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.OutgoingEvent;

/**
 * The legacy transport of older Element Call clients: a Megolm-encrypted room event
 * {@code io.element.call.encryption_keys} with {@code keys:[{index,key}], device_id, call_id, sent_ts}.
 *
 * <p>Send (only when configured): the room's Megolm session key goes over Olm ({@code m.room_key}) to every target
 * device that does not have it yet; if a device that had it is no longer a target (a member left), the Megolm session
 * is rotated first so the leaver cannot read the new key. Receive: only Megolm-decrypted events count; the session's
 * Curve25519 sender key must belong to the event sender's device named in {@code device_id}.
 */
final class MegolmRoomTransport implements KeyTransport {

    private static final Logger LOG = LoggerFactory.getLogger(MegolmRoomTransport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MatrixClient client;
    private final DeviceCrypto crypto;
    private final DeviceDirectory directory;
    private final KeySink sink;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** room → devices ({@code user|device}) that hold the current outbound Megolm session. */
    private final Map<String, Set<String>> sharedWith = new HashMap<>();

    MegolmRoomTransport(MatrixClient client, DeviceCrypto crypto, DeviceDirectory directory, KeySink sink, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "room-event";
    }

    @Override
    public void send(Member self, Collection<Member> to, MediaKey key) throws KeyTransportException {
        String roomId = self.roomId();
        lock.lock(); // one rollout per transport at a time: share, then send under the same Megolm session
        try {
            Set<String> targets = new HashSet<>();
            for (Member m : to) {
                if (!(m.userId().equals(self.userId()) && m.deviceId().equals(self.deviceId()))) {
                    targets.add(m.userId() + "|" + m.deviceId());
                }
            }
            Set<String> shared = sharedWith.computeIfAbsent(roomId, r -> new HashSet<>());
            if (!targets.containsAll(shared)) {
                crypto.rotateRoomSession(roomId);
                shared.clear();
                LOG.info("room {}: Megolm session rotated before sending key index {} (a device left)", roomId,
                        key.index());
            }
            shareRoomKey(roomId, to, self, shared);
            String content = KeyCodec.legacyRoomEvent(self.deviceId(), key, clock.millis());
            String encrypted = crypto.encryptRoomEvent(roomId, KeyFormat.LEGACY_ROOM_EVENT.type(), content);
            client.send(OutgoingEvent.message(roomId, OlmToDeviceTransport.ENCRYPTED, encrypted));
            LOG.debug("room {}: sent key index {} as a Megolm room event", roomId, key.index());
        } catch (CryptoException | RuntimeException e) {
            throw new KeyTransportException("room event key in " + roomId + " not sent", e);
        } finally {
            lock.unlock();
        }
    }

    private void shareRoomKey(String roomId, Collection<Member> to, Member self, Set<String> shared)
            throws CryptoException {
        String roomKey = crypto.roomKeyContent(roomId);
        Map<String, Map<String, String>> messages = new HashMap<>();
        for (Member m : to) {
            String id = m.userId() + "|" + m.deviceId();
            if ((m.userId().equals(self.userId()) && m.deviceId().equals(self.deviceId())) || shared.contains(id)) {
                continue;
            }
            Optional<Device> device = directory.device(m.userId(), m.deviceId());
            if (device.isEmpty()) {
                LOG.warn("room {}: no device keys for {}/{}; it cannot read room-event keys", roomId, m.userId(),
                        m.deviceId());
                continue;
            }
            directory.ensureSession(device.get());
            messages.computeIfAbsent(m.userId(), u -> new HashMap<>())
                    .put(m.deviceId(), crypto.encryptToDevice(device.get(), "m.room_key", roomKey));
            shared.add(id);
        }
        if (!messages.isEmpty()) {
            client.sendToDevice(OlmToDeviceTransport.ENCRYPTED, messages, Optional.empty());
        }
    }

    /** A room event from sync (timeline). */
    void onRoomEvent(RoomEvent event) {
        if (KeyFormat.LEGACY_ROOM_EVENT.type().equals(event.type())) {
            sink.dropped(event.roomId(), event.sender(), DropReason.CLEARTEXT, "room event not Megolm-encrypted");
            return;
        }
        if (!OlmToDeviceTransport.ENCRYPTED.equals(event.type()) || event.isState()) {
            return;
        }
        DecryptedRoomEvent decrypted;
        try {
            ObjectNode full = JSON.createObjectNode().put("event_id", event.eventId()).put("sender", event.sender())
                    .put("room_id", event.roomId()).put("type", event.type())
                    .put("origin_server_ts", event.originServerTs());
            full.set("content", JSON.readTree(event.contentJson()));
            decrypted = crypto.decryptRoomEvent(event.roomId(), full.toString());
        } catch (CryptoException e) {
            if (e.reason() == CryptoException.Reason.UNKNOWN_SESSION) {
                LOG.debug("room {}: event {} from {}: no Megolm session", event.roomId(), event.eventId(), event.sender());
            } else {
                sink.dropped(event.roomId(), event.sender(), DropReason.UNDECRYPTABLE, "Megolm: " + e.reason());
            }
            return;
        } catch (Exception e) {
            sink.dropped(event.roomId(), event.sender(), DropReason.MALFORMED, "content is not JSON");
            return;
        }
        if (!KeyFormat.LEGACY_ROOM_EVENT.type().equals(decrypted.type())) {
            return;
        }
        KeyCodec.Parsed parsed;
        try {
            parsed = KeyCodec.parse(KeyFormat.LEGACY_ROOM_EVENT, decrypted.contentJson());
        } catch (KeyCodec.Malformed e) {
            sink.dropped(event.roomId(), event.sender(), DropReason.MALFORMED, e.getMessage());
            return;
        }
        Optional<Device> device = directory.deviceByCurveKey(event.sender(), decrypted.senderKey())
                .filter(d -> decrypted.senderEd25519() != null && d.keys().ed25519().equals(decrypted.senderEd25519()));
        if (device.isEmpty() || !parsed.claimedDeviceId().orElse("").equals(device.get().deviceId())) {
            sink.dropped(event.roomId(), event.sender(), DropReason.UNAUTHENTICATED_DEVICE,
                    "Megolm sender key is not the key of device " + parsed.claimedDeviceId().orElse("-"));
            return;
        }
        if (event.sender().equals(crypto.userId()) && device.get().deviceId().equals(crypto.deviceId())) {
            return; // our own echo
        }
        long sentTs = parsed.sentTs().orElse(event.originServerTs());
        for (MediaKey key : parsed.keys()) {
            sink.received(new ReceivedKey(event.roomId(), event.sender(), device.get().deviceId(), Optional.empty(), key,
                    sentTs, KeyFormat.LEGACY_ROOM_EVENT));
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            sharedWith.clear();
        } finally {
            lock.unlock();
        }
    }
}
