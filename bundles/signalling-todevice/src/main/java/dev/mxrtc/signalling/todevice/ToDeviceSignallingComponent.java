package dev.mxrtc.signalling.todevice;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.matrix.MatrixClient;

/**
 * The {@code to_device} signalling transport of one Matrix account (the {@code MatrixClient} reference; set
 * {@code MatrixClient.target} to {@code (matrix.user_id=@bot:example.org)} when the runtime has several). Received
 * call events go to every {@link SignallingTransport.Receiver} service.
 *
 * <p>Olm: an optional, dynamic, greedy reference to a {@link ToDeviceCipher} service ({@link OlmCipher}, present
 * while the E2EE bundle runs for the account). Bound: call events go out Olm-encrypted and decrypted ones come in
 * with their proven device; unbound (the E2EE bundle stopped, removed or being replaced): cleartext, logged, or
 * nothing at all with {@code require_encryption}.
 */
@Component(service = SignallingTransport.class, immediate = true, configurationPid = "dev.mxrtc.signalling.todevice",
        property = SignallingTransport.TYPE_PROPERTY + "=" + ToDeviceSignalling.TYPE)
@Designate(ocd = ToDeviceSignallingComponent.Config.class)
public final class ToDeviceSignallingComponent implements SignallingTransport {

    @ObjectClassDefinition(name = "mxrtc to_device signalling")
    public @interface Config {

        @AttributeDefinition(description = "Refuse cleartext call events both ways (no sends without Olm, cleartext"
                + " receipts dropped). Off by default: matrix-js-sdk 43's full mesh sends cleartext to-device events")
        boolean require__encryption() default false;
    }

    private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    private final ToDeviceSignalling transport;
    private final AutoCloseable listening;

    @Activate
    public ToDeviceSignallingComponent(@Reference(name = "MatrixClient") MatrixClient client, Config config) {
        transport = new ToDeviceSignalling(client, () -> receivers, ToDeviceCipher.NONE, config.require__encryption());
        listening = client.addSyncListener(transport);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCipher(ToDeviceCipher cipher) {
        transport.useCipher(cipher);
    }

    void unsetCipher(ToDeviceCipher cipher) {
        transport.dropCipher(cipher);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addReceiver(Receiver r) {
        receivers.add(r);
    }

    void removeReceiver(Receiver r) {
        receivers.remove(r);
    }

    @Override
    public String type() {
        return transport.type();
    }

    @Override
    public CompletionStage<Void> send(Peer to, Message message) {
        return transport.send(to, message);
    }

    @Deactivate
    void deactivate() {
        try {
            listening.close();
        } catch (Exception e) {
            // the client is going away too
        }
        transport.close();
    }
}
