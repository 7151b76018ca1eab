package dev.mxrtc.signalling.websocket;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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
 * The {@code websocket} signalling transport of one Matrix account, connected to one hub (PID
 * {@code dev.mxrtc.signalling.websocket.client}, {@code hubUrl}: this runtime's hub or another runtime's).
 */
@Component(service = SignallingTransport.class, immediate = true,
        configurationPid = "dev.mxrtc.signalling.websocket.client", configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = SignallingTransport.TYPE_PROPERTY + "=" + WebSocketSignalling.TYPE)
@Designate(ocd = WebSocketSignallingComponent.Config.class)
public final class WebSocketSignallingComponent implements SignallingTransport {

    @ObjectClassDefinition(name = "mxrtc websocket signalling client")
    public @interface Config {
        @AttributeDefinition(description = "The hub, e.g. ws://127.0.0.1:8449/signalling")
        String hubUrl();
    }

    private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    private final WebSocketSignalling transport;

    @Activate
    public WebSocketSignallingComponent(@Reference(name = "MatrixClient") MatrixClient client, Config config) {
        transport = new WebSocketSignalling(config.hubUrl(), client, () -> receivers);
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
        transport.close();
    }
}
