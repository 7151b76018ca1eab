package dev.mxrtc.admin.internal;

import java.time.Clock;
import java.util.Hashtable;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.RtcSessions;

/**
 * The admin console component: reads its configuration ({@value #PID}) and puts an {@link AdminServlet} on the
 * jakarta Servlet Whiteboard under {@code {path}/*} ({@code /mxrtc/admin/*} by default).
 *
 * <p>Why the servlet is registered by hand rather than being the component's own service: SCR publishes every
 * configuration property of a component as a property of its service, where anyone listing services (a shell, a
 * web console) would read the {@code admin_token}. This component provides no service, so its configuration stays
 * private; the servlet's registration carries only the whiteboard properties.
 *
 * <p>The core ({@link RtcSessions}) is an optional, dynamic, greedy reference: the console keeps serving (with
 * empty data and {@code "core": "absent"}) while the core is missing or being updated, and sees the new one
 * without restarting.
 */
@Component(service = {}, immediate = true, configurationPid = AdminConsole.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AdminConsole.Config.class)
public final class AdminConsole {

    public static final String PID = "dev.mxrtc.admin";
    static final String PATTERN = "osgi.http.whiteboard.servlet.pattern";
    static final String NAME = "osgi.http.whiteboard.servlet.name";
    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);

    @ObjectClassDefinition(name = "mxrtc admin console",
            description = "Operator endpoints: health, sessions, bundles, SPI services, stats, drain.")
    public @interface Config {
        @AttributeDefinition(description = "Bearer token every request must carry. Empty: no token, but only "
                + "loopback clients are accepted.", type = AttributeType.PASSWORD)
        String admin__token() default "";

        @AttributeDefinition(description = "URL path of the console (the servlet serves {path}/*)")
        String path() default "/mxrtc/admin";
    }

    /** Bound and unbound by SCR at any time (dynamic): null while no core is registered. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RtcSessions core;

    private final ServiceRegistration<Servlet> registration;

    @Activate
    public AdminConsole(BundleContext context, @Reference DrainControl drain, Config config) {
        String path = path(config.path());
        AdminAuth auth = new AdminAuth(config.admin__token());
        RuntimeView view = new FrameworkView(context, () -> Optional.ofNullable(core), Clock.systemUTC());
        AdminServlet servlet = new AdminServlet(new AdminRoutes(view, drain, auth, new AdminJson(new ObjectMapper())));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(PATTERN, path + "/*");
        props.put(NAME, "mxrtc-admin");
        this.registration = context.registerService(Servlet.class, servlet, props);
        LOG.info("admin console at {}/ ({})", path, auth.tokenMode() ? "bearer token required" : "loopback clients only");
    }

    /** @return the path, checked: starts with '/', no trailing '/', no wildcard */
    static String path(String configured) {
        String p = configured == null ? "" : configured.strip();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/") || p.contains("*") || p.contains("?") || p.contains("#")) {
            throw new IllegalArgumentException("path must be an absolute URL path such as /mxrtc/admin: " + configured);
        }
        return p;
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("admin: servlet already unregistered", e); // the bundle is stopping
        }
    }
}
