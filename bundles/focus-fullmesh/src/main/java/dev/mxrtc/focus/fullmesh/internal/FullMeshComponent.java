package dev.mxrtc.focus.fullmesh.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.VideoPattern;

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
    static final String DEFAULT_RGB = "#2850d0";
    private static final Logger LOG = LoggerFactory.getLogger(FullMeshComponent.class);

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

        @AttributeDefinition(description = "Every new mesh publishes a generated video pattern (320x180, 15 fps) to"
                + " its peers; their first offers then carry video")
        boolean video() default false;

        @AttributeDefinition(description = "The pattern's colour: #rrggbb (also rrggbb or 0xrrggbb)")
        String videoRgb() default DEFAULT_RGB;
    }

    private final FullMeshBackend backend;
    private final BundleContext context;
    private final Map<ServiceReference<SignallingTransport>, LazyTransport> transports = new ConcurrentHashMap<>();

    @Activate
    public FullMeshComponent(BundleContext context, @Reference MediaEngine engine, Config config) {
        this.context = context;
        backend = new FullMeshBackend(engine, new MeshSettings(config.audio(), config.answerTimeoutMs(),
                config.connectTimeoutMs(), config.disconnectedGraceMs(), config.retryMaxMs(), config.holdUnknownMs()),
                new FullMeshBackend.DefaultAudio(config.toneHz(), config.echo()),
                config.video() ? Optional.of(VideoPattern.solid(colour(config.videoRgb()))) : Optional.empty());
    }

    /** {@code #rrggbb}, {@code rrggbb} or {@code 0xrrggbb}; anything else is logged and gives the default colour. */
    static int colour(String rgb) {
        String hex = rgb == null ? "" : rgb.strip();
        if (hex.startsWith("#")) {
            hex = hex.substring(1);
        } else if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (hex.matches("[0-9a-fA-F]{6}")) {
            return Integer.parseInt(hex, 16);
        }
        LOG.warn("videoRgb '{}' is not a colour (#rrggbb); publishing {}", rgb, DEFAULT_RGB);
        return Integer.parseInt(DEFAULT_RGB.substring(1), 16);
    }

    /** The media status for operators; see {@link FullMeshBackend#status(long)}. */
    @Override
    public Map<String, Object> get() {
        return backend.status(2_000);
    }

    /**
     * Transports are bound by reference and their service is got on first use (a send), not while binding: every
     * transport component binds the {@code Receiver}s, which this component is, so getting each other's services while
     * both activate is a cycle, and SCR then silently leaves the transport's receiver unbound (seen in the runtime: a
     * websocket transport that delivered nothing).
     */
    @Reference(service = SignallingTransport.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(ServiceReference<SignallingTransport> ref) {
        LazyTransport t = new LazyTransport(ref);
        transports.put(ref, t);
        backend.addTransport(t);
    }

    void removeTransport(ServiceReference<SignallingTransport> ref) {
        LazyTransport t = transports.remove(ref);
        if (t != null) {
            backend.removeTransport(t);
            t.release();
        }
    }

    /** A transport service got from the framework when first used. */
    private final class LazyTransport implements SignallingTransport {
        private final ServiceReference<SignallingTransport> ref;
        private final String type;
        private SignallingTransport service;
        private boolean released;

        LazyTransport(ServiceReference<SignallingTransport> ref) {
            this.ref = ref;
            this.type = String.valueOf(ref.getProperty(SignallingTransport.TYPE_PROPERTY));
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public CompletionStage<Void> send(Peer to, Message message) {
            SignallingTransport s = service();
            if (s == null) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("signalling transport " + type + " is gone"));
            }
            return s.send(to, message);
        }

        private synchronized SignallingTransport service() {
            if (service == null && !released) {
                service = context.getService(ref);
            }
            return service;
        }

        synchronized void release() {
            released = true;
            if (service != null) {
                service = null;
                try {
                    context.ungetService(ref);
                } catch (IllegalStateException e) {
                    // this bundle is stopping: nothing to give back
                }
            }
        }
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
