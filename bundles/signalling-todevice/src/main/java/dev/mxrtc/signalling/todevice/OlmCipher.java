package dev.mxrtc.signalling.todevice;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.mxrtc.e2ee.EncryptedToDeviceSender;
import dev.mxrtc.e2ee.VerifiedToDevice;
import dev.mxrtc.e2ee.VerifiedToDeviceListener;

/**
 * Olm for to-device signalling, over the E2EE bundle: sends through the account's {@link EncryptedToDeviceSender}
 * (one {@code m.room.encrypted} per device, sessions started as the key path does) and receives the call events the
 * E2EE runtime decrypted ({@link VerifiedToDeviceListener} whiteboard) with the device Olm proved.
 *
 * <p>As a DS component it exists only while an {@code EncryptedToDeviceSender} service does (static, mandatory
 * reference; set {@code EncryptedToDeviceSender.target} in the {@code dev.mxrtc.signalling.todevice} configuration
 * when the runtime has several E2EE accounts). The transport component binds it optionally and dynamically, so
 * removing or replacing the E2EE bundle unbinds it and the transport falls back.
 */
@Component(service = {ToDeviceCipher.class, VerifiedToDeviceListener.class}, immediate = true,
        configurationPid = "dev.mxrtc.signalling.todevice")
public final class OlmCipher implements ToDeviceCipher, VerifiedToDeviceListener {

    private record Inbound(String userId, String deviceId, Consumer<Opened> to) {
    }

    private final EncryptedToDeviceSender sender;
    private final List<Inbound> inbound = new CopyOnWriteArrayList<>();

    @Activate
    public OlmCipher(@Reference(name = "EncryptedToDeviceSender") EncryptedToDeviceSender sender) {
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    @Override
    public boolean covers(String userId, String deviceId) {
        return sender.userId().equals(userId) && sender.deviceId().equals(deviceId);
    }

    @Override
    public Result send(String userId, String deviceId, String type, String contentJson, String txnId) {
        return switch (sender.send(userId, deviceId, type, contentJson, txnId)) {
            case EncryptedToDeviceSender.Sent s -> Result.ENCRYPTED;
            case EncryptedToDeviceSender.NoDeviceKeys n -> Result.NO_DEVICE_KEYS;
            case EncryptedToDeviceSender.Failed f -> throw new IllegalStateException(f.detail());
        };
    }

    @Override
    public AutoCloseable open(String userId, String deviceId, Consumer<Opened> to) {
        if (!covers(userId, deviceId)) {
            throw new IllegalArgumentException("this cipher is for " + sender.userId() + "/" + sender.deviceId());
        }
        Inbound in = new Inbound(userId, deviceId, to);
        inbound.add(in);
        return () -> inbound.remove(in);
    }

    @Override
    public void received(VerifiedToDevice event) {
        if (!ToDeviceSignalling.CALL_TYPES.contains(event.type())) {
            return;
        }
        Opened opened = new Opened(event.senderUserId(), event.senderDeviceId(), event.type(), event.contentJson());
        for (Inbound in : inbound) {
            if (in.userId().equals(event.recipientUserId()) && in.deviceId().equals(event.recipientDeviceId())) {
                in.to().accept(opened);
            }
        }
    }

    @Override
    public String toString() {
        return "Olm via the E2EE runtime of " + sender.userId() + "/" + sender.deviceId();
    }
}
