package dev.mxrtc.homeserver.osgi;

import dev.mxrtc.homeserver.Homeserver;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.HomeserverConfig.Registration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded development homeserver as a servlet on the jakarta Servlet Whiteboard (e.g. Felix HTTP Jetty 12),
 * serving {@code /_matrix/*} and {@code /.well-known/matrix/*}.
 *
 * <p>Runs only while configured ({@value #PID}, e.g. {@code etc/dev.mxrtc.homeserver.cfg}): deleting the
 * configuration is how a production runtime drops the embedded homeserver without removing the bundle, and a
 * runtime never opens a database where nobody asked for one. A relative {@code data_dir} is resolved against the
 * runtime's home (framework property {@value #HOME_PROPERTY}), not against the process's working directory.
 */
@Component(service = Servlet.class, immediate = true, configurationPid = HomeserverComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HomeserverComponent.Config.class)
@HttpWhiteboardServletPattern({"/_matrix/*", "/.well-known/matrix/*"})
@HttpWhiteboardServletName("mxrtc-homeserver-dev")
public final class HomeserverComponent extends HttpServlet {
    public static final String PID = "dev.mxrtc.homeserver";
    /** Framework property naming the runtime's home directory (set by the mxrtc launcher). */
    public static final String HOME_PROPERTY = "mxrtc.home";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HomeserverComponent.class);

    @ObjectClassDefinition(name = "mxrtc development homeserver",
            description = "A single-process Matrix homeserver (no federation) for demos and tests.")
    public @interface Config {
        @AttributeDefinition(description = "Server name used in user and room ids")
        String server_name() default "localhost";

        @AttributeDefinition(description = "Directory of the H2 database")
        String data_dir() default "data/homeserver";

        @AttributeDefinition(description = "open, shared-secret (registration token) or closed")
        String registration() default "open";

        @AttributeDefinition(description = "Registration token for shared-secret registration", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String shared_secret() default "";

        @AttributeDefinition(description = "Longest MSC4140 delay in ms")
        long max_delay_ms() default HomeserverConfig.DEFAULT_MAX_DELAY_MS;

        @AttributeDefinition(description = "Cap for MSC4354 sticky durations in ms (at most 1 h)")
        long max_sticky_duration_ms() default HomeserverConfig.STICKY_LIMIT_MS;

        @AttributeDefinition(description = "MSC4143 RTC transports, each a JSON object")
        String[] rtc_transports() default {};

        @AttributeDefinition(description = "Base URL advertised in .well-known (empty: not advertised)")
        String public_base_url() default "";

        @AttributeDefinition(description = "Largest accepted request body in bytes")
        int max_body_bytes() default HomeserverConfig.DEFAULT_MAX_BODY_BYTES;
    }

    private final transient Homeserver homeserver;

    @Activate
    public HomeserverComponent(BundleContext context, Config config) {
        HomeserverConfig settings = toConfig(config, Optional.ofNullable(context.getProperty(HOME_PROPERTY)));
        this.homeserver = new Homeserver(settings, Clock.systemUTC());
        LOG.info("homeserver {} serving /_matrix on the servlet whiteboard, data in {}, registration {}",
                settings.serverName(), settings.dataDir(), settings.registration());
    }

    static HomeserverConfig toConfig(Config c, Optional<String> home) {
        Registration mode = switch (c.registration().trim().toLowerCase(Locale.ROOT)) {
            case "open" -> Registration.OPEN;
            case "shared-secret", "shared_secret" -> Registration.SHARED_SECRET;
            case "closed" -> Registration.CLOSED;
            default -> throw new IllegalArgumentException("registration must be open, shared-secret or closed");
        };
        Path dataDir = Path.of(c.data_dir());
        if (!dataDir.isAbsolute() && home.isPresent()) {
            dataDir = Path.of(home.get()).resolve(dataDir);
        }
        return new HomeserverConfig(c.server_name(), dataDir, mode, c.shared_secret(), c.max_delay_ms(),
                c.max_sticky_duration_ms(), List.of(c.rtc_transports()), c.public_base_url(), c.max_body_bytes());
    }

    @Override
    public void service(ServletRequest req, ServletResponse res) throws ServletException, IOException {
        homeserver.servlet().service(req, res);
    }

    @Deactivate
    void deactivate() {
        homeserver.close();
    }
}
