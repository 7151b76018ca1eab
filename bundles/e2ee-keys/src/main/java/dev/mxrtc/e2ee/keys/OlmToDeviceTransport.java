package dev.mxrtc.e2ee.keys;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.DecryptedToDevice;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.EncryptedToDeviceSender;
import dev.mxrtc.e2ee.KeyFormat;
import dev.mxrtc.e2ee.KeySink;
import dev.mxrtc.e2ee.KeyTransport;
import dev.mxrtc.e2ee.ReceivedKey;
import dev.mxrtc.e2ee.VerifiedToDevice;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.ToDeviceEvent;

/**
 * Media keys over Olm to-device messages ({@code m.room.encrypted}, {@code m.olm.v1.curve25519-aes-sha2}).
 *
 * <p>Send: one {@code PUT /sendToDevice/m.room.encrypted} per key with one Olm ciphertext per target device; each
 * target gets the format of its membership ({@link #formatFor}): legacy members always the matrix-js-sdk 43 form,
 * sticky members the configured one.
 *
 * <p>Receive (from {@link #onSync}): every {@code m.room.encrypted} to-device event is decrypted exactly once here
 * (Olm decryption consumes message keys), so this class is also where {@code m.room_key} reaches {@link DeviceCrypto}.
 * A key is handed on only when the Curve25519 key that the Olm session proved belongs, per {@code /keys/query}, to
 * the sender user's device that the content claims. Key events that arrive in the clear are dropped. Decrypted
 * events that are neither keys nor {@code m.room_key} go to {@code others} once their sender device is proven the
 * same way ({@link VerifiedToDevice}); {@link #sendEvent} is the way out for them.
 */
final class OlmToDeviceTransport implements KeyTransport {

    static final String ENCRYPTED = "m.room.encrypted";
    private static final Logger LOG = LoggerFactory.getLogger(OlmToDeviceTransport.class);

    private final MatrixClient client;
    private final DeviceCrypto crypto;
    private final DeviceDirectory directory;
    private final KeySink sink;
    private final Clock clock;
    private final Function<Member, KeyFormat> formatFor;
    private final Consumer<VerifiedToDevice> others;

    /**
     * @param stickyFormat what sticky (MSC4143) members are sent: matrix-js-sdk 43 sends {@link KeyFormat#JS_SDK_TO_DEVICE}
     *        in both modes, so that is the default; {@link KeyFormat#MSC4143_TO_DEVICE} follows the MSC
     */
    OlmToDeviceTransport(MatrixClient client, DeviceCrypto crypto, DeviceDirectory directory, KeySink sink, Clock clock,
            KeyFormat stickyFormat, Consumer<VerifiedToDevice> others) {
        this.others = Objects.requireNonNull(others, "others");
        this.client = Objects.requireNonNull(client, "client");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (stickyFormat == KeyFormat.LEGACY_ROOM_EVENT) {
            throw new IllegalArgumentException("the room event is not a to-device format");
        }
        this.formatFor = m -> switch (m.format()) {
            case LEGACY -> KeyFormat.JS_SDK_TO_DEVICE;
            case STICKY -> stickyFormat;
        };
    }

    @Override
    public String name() {
        return "to-device";
    }

    @Override
    public void send(Member self, Collection<Member> to, MediaKey key) throws KeyTransportException {
        long now = clock.millis();
        Map<String, Map<String, String>> messages = new HashMap<>();
        List<String> failed = new ArrayList<>();
        CryptoException cause = null;
        for (Member m : to) {
            if (m.userId().equals(self.userId()) && m.deviceId().equals(self.deviceId())) {
                continue; // never to our own device
            }
            KeyFormat format = formatFor.apply(m);
            String content = switch (format) {
                case JS_SDK_TO_DEVICE -> KeyCodec.jsSdkToDevice(self.roomId(), self.deviceId(), self.memberId(), key, now);
                case MSC4143_TO_DEVICE -> KeyCodec.msc4143ToDevice(self.roomId(), self.memberId(), key);
                case LEGACY_ROOM_EVENT -> throw new IllegalStateException("not a to-device format");
            };
            try {
                Device device = directory.device(m.userId(), m.deviceId()).orElseThrow(() -> new CryptoException(
                        CryptoException.Reason.UNKNOWN_SESSION, "no device keys for " + m.userId() + "/" + m.deviceId()));
                directory.ensureSession(device);
                String encrypted = crypto.encryptToDevice(device, format.type(), content);
                messages.computeIfAbsent(m.userId(), u -> new HashMap<>()).put(m.deviceId(), encrypted);
            } catch (CryptoException e) {
                failed.add(m.userId() + "/" + m.deviceId());
                cause = e;
                LOG.warn("room {}: cannot encrypt key index {} for {}/{}: {}", self.roomId(), key.index(), m.userId(),
                        m.deviceId(), e.getMessage());
            }
        }
        try {
            if (!messages.isEmpty()) {
                client.sendToDevice(ENCRYPTED, messages, Optional.empty());
                LOG.debug("room {}: sent key index {} to {} device(s)", self.roomId(), key.index(),
                        messages.values().stream().mapToInt(Map::size).sum());
            }
        } catch (RuntimeException e) {
            throw new KeyTransportException("sendToDevice failed in room " + self.roomId(), e);
        }
        if (!failed.isEmpty()) {
            throw new KeyTransportException("key index " + key.index() + " not sent to " + failed, cause);
        }
    }

    /** Feed of the account's sync batches: device list changes and to-device events. */
    void onSync(SyncBatch batch) {
        batch.deviceLists().changed().forEach(directory::invalidate);
        for (ToDeviceEvent event : batch.toDevice()) {
            try {
                onToDevice(event);
            } catch (RuntimeException e) {
                LOG.warn("to-device {} from {}: not handled", event.type(), event.sender(), e);
            }
        }
    }

    void onToDevice(ToDeviceEvent event) {
        if (!ENCRYPTED.equals(event.type())) {
            if (KeyFormat.toDevice(event.type()).isPresent()) {
                sink.dropped("", event.sender(), DropReason.CLEARTEXT, "to-device " + event.type() + " not in Olm");
            }
            return;
        }
        DecryptedToDevice decrypted;
        try {
            decrypted = crypto.decryptToDevice(event.sender(), event.contentJson());
        } catch (CryptoException e) {
            sink.dropped("", event.sender(), DropReason.UNDECRYPTABLE, "Olm: " + e.reason());
            return;
        }
        if ("m.room_key".equals(decrypted.type())) {
            acceptRoomKey(decrypted);
            return;
        }
        Optional<KeyFormat> format = KeyFormat.toDevice(decrypted.type());
        if (format.isEmpty()) {
            handOn(decrypted);
            return;
        }
        KeyCodec.Parsed parsed;
        try {
            parsed = KeyCodec.parse(format.get(), decrypted.contentJson());
        } catch (KeyCodec.Malformed e) {
            sink.dropped("", event.sender(), DropReason.MALFORMED, e.getMessage());
            return;
        }
        Optional<Device> device = authenticate(decrypted);
        if (device.isEmpty()) {
            sink.dropped(parsed.roomId(), event.sender(), DropReason.UNAUTHENTICATED_DEVICE,
                    "Olm sender key matches no device of the sender in /keys/query");
            return;
        }
        String deviceId = device.get().deviceId();
        if (parsed.claimedDeviceId().filter(d -> !d.equals(deviceId)).isPresent()
                || (decrypted.senderDevice() != null && !decrypted.senderDevice().equals(deviceId))) {
            sink.dropped(parsed.roomId(), event.sender(), DropReason.UNAUTHENTICATED_DEVICE,
                    "claimed device is not the Olm-authenticated device " + deviceId);
            return;
        }
        if (event.sender().equals(crypto.userId()) && deviceId.equals(crypto.deviceId())) {
            sink.dropped(parsed.roomId(), event.sender(), DropReason.SELF, "own device");
            return;
        }
        long sentTs = parsed.sentTs().orElse(clock.millis());
        for (MediaKey key : parsed.keys()) {
            sink.received(new ReceivedKey(parsed.roomId(), event.sender(), deviceId, parsed.memberId(), key, sentTs,
                    format.get()));
        }
    }

    /** A decrypted event that is not a key: to {@code others}, once its sender device is proven. */
    private void handOn(DecryptedToDevice decrypted) {
        Optional<Device> device = authenticate(decrypted);
        if (device.isEmpty()) {
            LOG.warn("to-device {} from {} dropped: its Olm sender key matches no device of the sender in /keys/query",
                    decrypted.type(), decrypted.sender());
            return;
        }
        String deviceId = device.get().deviceId();
        if (decrypted.senderDevice() != null && !decrypted.senderDevice().equals(deviceId)) {
            LOG.warn("to-device {} from {} dropped: the Olm payload names device {}, the Olm key is device {}",
                    decrypted.type(), decrypted.sender(), decrypted.senderDevice(), deviceId);
            return;
        }
        if (decrypted.sender().equals(crypto.userId()) && deviceId.equals(crypto.deviceId())) {
            LOG.warn("to-device {} from our own device dropped", decrypted.type());
            return;
        }
        LOG.debug("to-device {} from {}/{} decrypted, handed on", decrypted.type(), decrypted.sender(), deviceId);
        others.accept(new VerifiedToDevice(crypto.userId(), crypto.deviceId(), decrypted.sender(), deviceId,
                decrypted.senderKey(), decrypted.type(), decrypted.contentJson()));
    }

    /** Encrypts one event for one device (session started when needed) and sends it; see {@link EncryptedToDeviceSender}. */
    EncryptedToDeviceSender.Outcome sendEvent(String userId, String deviceId, String type, String contentJson,
            String txnId) {
        Optional<Device> device;
        try {
            device = directory.device(userId, deviceId);
        } catch (RuntimeException e) {
            return new EncryptedToDeviceSender.Failed("keys/query for " + userId + " failed: " + e.getMessage());
        }
        if (device.isEmpty()) {
            return new EncryptedToDeviceSender.NoDeviceKeys("keys/query lists no keys for " + userId + "/" + deviceId);
        }
        String encrypted;
        try {
            directory.ensureSession(device.get());
            encrypted = crypto.encryptToDevice(device.get(), type, contentJson);
        } catch (CryptoException | RuntimeException e) {
            return new EncryptedToDeviceSender.Failed("cannot encrypt " + type + " for " + userId + "/" + deviceId
                    + ": " + e.getMessage());
        }
        try {
            client.sendToDevice(ENCRYPTED, Map.of(userId, Map.of(deviceId, encrypted)), Optional.ofNullable(txnId));
        } catch (RuntimeException e) {
            return new EncryptedToDeviceSender.Failed("sendToDevice failed: " + e.getMessage());
        }
        LOG.debug("sent {} Olm-encrypted to {}/{}", type, userId, deviceId);
        return new EncryptedToDeviceSender.Sent();
    }

    /** The sender's device whose Curve25519 (proved by Olm) and Ed25519 (claimed in the payload) keys both match. */
    private Optional<Device> authenticate(DecryptedToDevice decrypted) {
        return directory.deviceByCurveKey(decrypted.sender(), decrypted.senderKey())
                .filter(d -> d.keys().ed25519().equals(decrypted.senderEd25519()));
    }

    private void acceptRoomKey(DecryptedToDevice decrypted) {
        try {
            crypto.acceptRoomKey(decrypted).ifPresent(
                    id -> LOG.debug("accepted Megolm session {} from {}", id, decrypted.sender()));
        } catch (CryptoException e) {
            LOG.warn("m.room_key from {} refused: {}", decrypted.sender(), e.reason());
        }
    }

    @Override
    public void close() {
        // nothing held: the sync feed is owned by whoever calls onSync
    }
}
