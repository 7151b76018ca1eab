package dev.mxrtc.livekit.auth.osgi;

import dev.mxrtc.livekit.auth.AuthSettings;
import dev.mxrtc.livekit.auth.LiveKitAuth;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LiveKit authorisation service on the jakarta Servlet Whiteboard under {@code {path}/*}
 * ({@code /livekit/jwt/*} by default), configured like lk-jwt-service ({@value #PID}).
 *
 * <p>The servlet is registered by hand, not as this component's service, so the configuration (with the LiveKit
 * secret) never becomes service properties that anyone listing services could read.
 */
@Component(service = {}, immediate = true, configurationPid = LiveKitAuthComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LiveKitAuthComponent.Config.class)
public final class LiveKitAuthComponent {
    public static final String PID = "dev.mxrtc.livekit.auth";
    private static final Logger LOG = LoggerFactory.getLogger(LiveKitAuthComponent.class);

    @ObjectClassDefinition(name = "mxrtc LiveKit authorisation service",
            description = "lk-jwt-service's API: LiveKit tokens for MatrixRTC members, delegated delayed leave.")
    public @interface Config {
        @AttributeDefinition(description = "URL path the service is mounted at (serves {path}/*)")
        String path() default "/livekit/jwt";

        @AttributeDefinition(description = "LIVEKIT_URL: the SFU's URL handed to clients (wss://…)")
        String livekit__url();

        @AttributeDefinition(description = "LIVEKIT_KEY: the LiveKit API key")
        String livekit__key() default "";

        @AttributeDefinition(description = "LIVEKIT_SECRET: the LiveKit API secret", type = AttributeType.PASSWORD)
        String livekit__secret() default "";

        @AttributeDefinition(description = "LIVEKIT_KEY_FROM_FILE: file holding the API key")
        String livekit__key__from__file() default "";

        @AttributeDefinition(description = "LIVEKIT_SECRET_FROM_FILE: file holding the API secret")
        String livekit__secret__from__file() default "";

        @AttributeDefinition(description = "LIVEKIT_KEY_FILE: file holding key:secret (wins over the others)")
        String livekit__key__file() default "";

        @AttributeDefinition(description = "LIVEKIT_FULL_ACCESS_HOMESERVERS: servers whose users may create rooms and "
                + "delegate their leave; * for all")
        String[] full__access__homeservers();

        @AttributeDefinition(description = "LIVEKIT_CS_API_URL_OVERRIDES: server_name=url entries")
        String[] cs__api__url__overrides() default {};

        @AttributeDefinition(description = "server_name=url entries for OpenID userinfo over federation (e.g. the "
                + "embedded homeserver)")
        String[] federation__url__overrides() default {};

        @AttributeDefinition(description = "LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS: 0 disables the sweep")
        int sanity__check__interval__seconds() default 0;

        @AttributeDefinition(description = "LiveKit room service URL (empty: from livekit_url, wss→https)")
        String room__service__url() default "";

        @AttributeDefinition(description = "Homeserver whose MSC4195 homeserver-native endpoints "
                + "(/_matrix/client/unstable/io.element.msc4195/rtc/livekit/*) this service offers, e.g. the embedded "
                + "homeserver; empty: not offered")
        String native__server__name() default "";
    }

    private final LiveKitAuth auth;
    private final ServiceRegistration<Servlet> registration;
    private final ServiceRegistration<Servlet> nativeRegistration;

    @Activate
    public LiveKitAuthComponent(BundleContext context, Config config) {
        AuthSettings settings = settings(config);
        String path = path(config.path());
        this.auth = LiveKitAuth.start(settings, config.native__server__name().strip(), Clock.systemUTC());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", path + "/*");
        props.put("osgi.http.whiteboard.servlet.name", "mxrtc-livekit-auth");
        this.registration = context.registerService(Servlet.class, new LiveKitAuthServlet(auth.service()), props);
        this.nativeRegistration = auth.nativeEndpoints().map(endpoints -> {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("osgi.http.whiteboard.servlet.pattern", NativeEndpointsServlet.PATTERN);
            p.put("osgi.http.whiteboard.servlet.name", "mxrtc-livekit-auth-msc4195");
            return context.registerService(Servlet.class, (Servlet) new NativeEndpointsServlet(endpoints), p);
        }).orElse(null);
        LOG.info("LiveKit authorisation service at {}/ for {} (full access: {}, sanity sweep {} s)", path,
                settings.livekitUrl(), settings.fullAccessHomeservers(), settings.sanityCheckInterval().toSeconds());
    }

    static AuthSettings settings(Config c) {
        String key = c.livekit__key();
        String secret = c.livekit__secret();
        try {
            if (!c.livekit__key__file().isBlank()) {
                String[] ks = AuthSettings.readKeySecretFile(Path.of(c.livekit__key__file()));
                key = ks[0];
                secret = ks[1];
            } else {
                if (!c.livekit__key__from__file().isBlank()) key = AuthSettings.readTrimmed(Path.of(c.livekit__key__from__file()));
                if (!c.livekit__secret__from__file().isBlank()) {
                    secret = AuthSettings.readTrimmed(Path.of(c.livekit__secret__from__file()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the LiveKit key/secret file failed", e);
        }
        List<String> full = Arrays.stream(c.full__access__homeservers())
                .flatMap(s -> AuthSettings.parseList(s).stream()).toList();
        return new AuthSettings(c.livekit__url(), key == null ? "" : key.strip(), secret == null ? "" : secret.strip(),
                full, overrides(c.cs__api__url__overrides()), overrides(c.federation__url__overrides()),
                Duration.ofSeconds(c.sanity__check__interval__seconds()), c.room__service__url());
    }

    private static Map<String, URI> overrides(String[] entries) {
        return AuthSettings.parseOverrides(String.join(",", entries));
    }

    /** @return the path, checked: starts with '/', no trailing '/', no wildcard */
    static String path(String configured) {
        String p = configured == null ? "" : configured.strip();
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (!p.startsWith("/") || p.contains("*") || p.contains("?") || p.contains("#")) {
            throw new IllegalArgumentException("path must be an absolute URL path such as /livekit/jwt: " + configured);
        }
        return p;
    }

    @Deactivate
    void deactivate() {
        try {
            if (nativeRegistration != null) nativeRegistration.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("servlet already unregistered", e);
        }
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("servlet already unregistered", e);
        }
        auth.close();
    }
}
