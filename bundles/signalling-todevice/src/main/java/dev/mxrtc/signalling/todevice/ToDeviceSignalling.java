package dev.mxrtc.signalling.todevice;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Encryption: when a {@link ToDeviceCipher} is given, sends are Olm-encrypted ({@code m.room.encrypted}) and
 * only decrypted call events are taken from encrypted to-device messages.
 */
public final class ToDeviceSignalling implements SignallingTransport, SyncListener, AutoCloseable {

    public static final String TYPE = "to_device";

    /** The call event types of MSC2746 / MSC3401 that are carried. */
    public static final Set<String> CALL_TYPES = Set.of("m.call.invite", "m.call.answer", "m.call.candidates",
            "m.call.negotiate", "m.call.hangup", "m.call.select_answer", "m.call.reject");

    private static final Logger LOG = LoggerFactory.getLogger(ToDeviceSignalling.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MatrixClient client;
    private final Supplier<? extends Iterable<Receiver>> receivers;
    private final ToDeviceCipher cipher;
    private final ExecutorService sender;

    /**
     * @param receivers the receivers every call event goes to (the whiteboard)
     * @param cipher encrypts sends and decrypts receipts; {@link ToDeviceCipher#NONE} for cleartext
     */
    public ToDeviceSignalling(MatrixClient client, Supplier<? extends Iterable<Receiver>> receivers,
            ToDeviceCipher cipher) {
        this.client = client;
        this.receivers = receivers;
        this.cipher = cipher;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mxrtc-todevice-send-" + client.userId());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public CompletionStage<Void> send(Peer to, Message message) {
        try {
            return CompletableFuture.runAsync(() -> {
                ToDeviceCipher.Sealed sealed = cipher.seal(to.userId(), to.deviceId(), message.type(),
                        message.contentJson());
                client.sendToDevice(sealed.type(), Map.of(to.userId(), Map.of(to.deviceId(), sealed.contentJson())),
                        java.util.Optional.of("mxrtc-sig-" + UUID.randomUUID()));
            }, sender);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("to-device signalling closed"));
        }
    }

    @Override
    public void onSync(String userId, SyncBatch batch) {
        for (ToDeviceEvent e : batch.toDevice()) {
            ToDeviceEvent plain = e;
            if (ToDeviceCipher.ENCRYPTED.equals(e.type())) {
                plain = cipher.open(e).orElse(null);
                if (plain == null) {
                    continue;
                }
            } else if (CALL_TYPES.contains(e.type()) && cipher.requireEncryption()) {
                LOG.info("ignoring a cleartext {} from {}: signalling is encrypted", e.type(), e.sender());
                continue;
            }
            if (CALL_TYPES.contains(plain.type())) {
                deliver(plain);
            }
        }
    }

    private void deliver(ToDeviceEvent e) {
        JsonNode c;
        try {
            c = JSON.readTree(e.contentJson());
        } catch (JsonProcessingException ex) {
            LOG.info("ignoring a {} from {}: content is not JSON", e.type(), e.sender());
            return;
        }
        String device = text(c, "device_id");
        String member = text(c, "sender_session_id");
        if (device == null || member == null) {
            LOG.info("ignoring a {} from {}: no device_id or sender_session_id", e.type(), e.sender());
            return;
        }
        String room = text(c, "room_id");
        Peer from = new Peer(room == null ? "" : room, e.sender(), device, member);
        Message m = new Message(e.type(), e.contentJson());
        for (Receiver r : receivers.get()) {
            try {
                r.onMessage(TYPE, from, m);
            } catch (RuntimeException ex) {
                LOG.warn("a signalling receiver failed on a {} from {}", e.type(), e.sender(), ex);
            }
        }
    }

    private static String text(JsonNode c, String field) {
        JsonNode n = c == null ? null : c.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    @Override
    public void close() {
        sender.shutdown();
    }
}
