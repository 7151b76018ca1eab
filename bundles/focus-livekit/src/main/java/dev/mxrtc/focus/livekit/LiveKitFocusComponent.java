package dev.mxrtc.focus.livekit;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.media.MediaEngine;

/**
 * The {@code livekit} focus as a service: a {@link FocusBackend} for transport type {@code livekit} over the
 * {@link MediaEngine}. OpenID tokens come from the {@link MatrixClient} service of the member's account (a dynamic,
 * greedy reference: accounts come and go while calls run).
 */
@Component(service = {FocusBackend.class, Supplier.class}, immediate = true,
        configurationPid = "dev.mxrtc.focus.livekit",
        property = {FocusBackend.TYPE_PROPERTY + "=" + Transport.LIVEKIT,
            // the admin console's media view (GET /mxrtc/admin/media) lists every Supplier with this property; a JDK
            // type, so the console imports nothing of this bundle and is not refreshed when this bundle is replaced
            LiveKitFocusComponent.STATUS_PROPERTY + "=media"})
@Designate(ocd = LiveKitFocusComponent.Config.class)
public final class LiveKitFocusComponent implements FocusBackend, Supplier<Map<String, Object>> {

    /** Service property of status suppliers the admin console shows. */
    static final String STATUS_PROPERTY = "mxrtc.admin.status";

    @ObjectClassDefinition(name = "mxrtc livekit focus")
    public @interface Config {
        @AttributeDefinition(description = "The publisher carries an audio track")
        boolean audio() default true;

        @AttributeDefinition(description = "Tone a member publishes (Hz, 0 = silence) until an application sets one")
        double toneHz() default 0;

        @AttributeDefinition(description = "connect fails unless the publisher is connected within this time")
        long connectTimeoutMs() default 20_000;

        @AttributeDefinition(description = "Timeout of each HTTP request (OpenID, token service)")
        long httpTimeoutMs() default 10_000;

        @AttributeDefinition(description = "Fixed livekit_service_url overriding the session's (empty: none)")
        String serviceUrl() default "";

        @AttributeDefinition(description = "Signalling resume attempts before a full reconnect")
        int resumeAttempts() default 3;

        @AttributeDefinition(description = "Full reconnect attempts before giving up")
        int reconnectAttempts() default 5;
    }

    private final Map<String, MatrixClient> clients = new ConcurrentHashMap<>();
    private final LiveKitBackend backend;

    @Activate
    public LiveKitFocusComponent(@Reference MediaEngine engine, Config config) {
        Duration http = Duration.ofMillis(config.httpTimeoutMs());
        SignalClient.Settings signal = new SignalClient.Settings(config.resumeAttempts(), Duration.ofMillis(500), http,
                config.reconnectAttempts());
        LiveKitSettings settings = new LiveKitSettings(config.audio(), config.toneHz(),
                Duration.ofMillis(config.connectTimeoutMs()), http, Optional.of(config.serviceUrl()), signal);
        backend = new LiveKitBackend(engine, this::openId, HttpClient.newBuilder().connectTimeout(http).build(),
                settings);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addClient(MatrixClient client, Map<String, Object> props) {
        clients.put(userId(client, props), client);
    }

    void removeClient(MatrixClient client, Map<String, Object> props) {
        clients.remove(userId(client, props), client);
    }

    private static String userId(MatrixClient client, Map<String, Object> props) {
        return props.get(MatrixClient.USER_ID_PROPERTY) instanceof String u ? u : client.userId();
    }

    private dev.mxrtc.matrix.OpenIdToken openId(String userId) {
        MatrixClient c = clients.get(userId);
        if (c == null) {
            throw new IllegalStateException("no MatrixClient service for " + userId);
        }
        return c.requestOpenIdToken();
    }

    @Override
    public String transportType() {
        return backend.transportType();
    }

    @Override
    public CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport) {
        return backend.connect(session, self, transport);
    }

    /** The media status for operators; see {@link LiveKitBackend#status(long)}. */
    @Override
    public Map<String, Object> get() {
        return backend.status(2_000);
    }

    @Deactivate
    void deactivate() {
        backend.close();
    }
}
