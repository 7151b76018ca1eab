package dev.mxrtc.focus.fullmesh.internal;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.media.MediaEngine;

/**
 * The {@code full_mesh} focus as a service: a {@link FocusBackend} for transport type {@code full_mesh} and a
 * {@link SignallingTransport.Receiver} for the call events every signalling transport delivers. Transports are a
 * dynamic, greedy reference: a replaced transport bundle is unbound and the new one bound while meshes keep running.
 */
@Component(service = {FocusBackend.class, SignallingTransport.Receiver.class, Supplier.class}, immediate = true,
        configurationPid = "dev.mxrtc.focus.fullmesh",
        property = {FocusBackend.TYPE_PROPERTY + "=" + Transport.FULL_MESH,
            // the admin console's media view (GET /mxrtc/admin/media) lists every Supplier with this property; a JDK
            // type, so the console imports nothing of this bundle and is not refreshed when this bundle is replaced
            FullMeshComponent.STATUS_PROPERTY + "=media"})
@Designate(ocd = FullMeshComponent.Config.class)
public final class FullMeshComponent implements FocusBackend, SignallingTransport.Receiver,
        Supplier<Map<String, Object>> {

    /** Service property of status suppliers the admin console shows. */
    static final String STATUS_PROPERTY = "mxrtc.admin.status";

    @ObjectClassDefinition(name = "mxrtc full_mesh focus")
    public @interface Config {
        @AttributeDefinition(description = "Connections carry audio (else data channels only)")
        boolean audio() default true;

        @AttributeDefinition(description = "An offerer starts a new call when an invite has no answer this long")
        long answerTimeoutMs() default 10_000;

        @AttributeDefinition(description = "A call not connected this long after offer/answer is replaced")
        long connectTimeoutMs() default 15_000;

        @AttributeDefinition(description = "A disconnected connection that does not recover this long is replaced")
        long disconnectedGraceMs() default 3_000;

        @AttributeDefinition(description = "Longest wait between an offerer's restarts")
        long retryMaxMs() default 8_000;

        @AttributeDefinition(description = "How long messages from a sender whose membership has not arrived yet are kept")
        long holdUnknownMs() default 10_000;

        @AttributeDefinition(description = "A tone every new mesh publishes to its peers (Hz; 0: silence)")
        double toneHz() default 0;

        @AttributeDefinition(description = "Every new mesh plays each peer's audio back to it (wins over toneHz)")
        boolean echo() default false;
    }

    private final FullMeshBackend backend;

    @Activate
    public FullMeshComponent(@Reference MediaEngine engine, Config config) {
        backend = new FullMeshBackend(engine, new MeshSettings(config.audio(), config.answerTimeoutMs(),
                config.connectTimeoutMs(), config.disconnectedGraceMs(), config.retryMaxMs(), config.holdUnknownMs()),
                new FullMeshBackend.DefaultAudio(config.toneHz(), config.echo()));
    }

    /** The media status for operators; see {@link FullMeshBackend#status(long)}. */
    @Override
    public Map<String, Object> get() {
        return backend.status(2_000);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(SignallingTransport transport) {
        backend.addTransport(transport);
    }

    void removeTransport(SignallingTransport transport) {
        backend.removeTransport(transport);
    }

    @Override
    public String transportType() {
        return backend.transportType();
    }

    @Override
    public CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport) {
        return backend.connect(session, self, transport);
    }

    @Override
    public void onMessage(String transportType, SignallingTransport.Peer from, SignallingTransport.Message message) {
        backend.onMessage(transportType, from, message);
    }

    @Deactivate
    void deactivate() {
        backend.close();
    }
}
