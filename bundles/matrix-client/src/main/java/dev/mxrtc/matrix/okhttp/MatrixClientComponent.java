package dev.mxrtc.matrix.okhttp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.SyncListener;

/**
 * One Matrix account per factory configuration ({@value #PID}). Once logged in, registers a {@link MatrixClient}
 * service with {@value MatrixClient#USER_ID_PROPERTY} and {@value MatrixClient#HOMESERVER_PROPERTY}; its sync loop
 * feeds every {@link RoomEventSink} and {@link SyncListener} service.
 *
 * <p>The component registers the client itself (it is not a DS service provider) so that the service appears only
 * with a session and its properties never carry the configuration's secrets. Sinks and listeners are dynamic
 * references bound through methods: the core can come and go without restarting the account, and a sink that
 * arrives late gets a snapshot of the rooms' state.
 */
@Component(configurationPid = MatrixClientComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = MatrixClientComponent.Config.class, factory = true)
public final class MatrixClientComponent {

    public static final String PID = "dev.mxrtc.matrix.client";

    private static final Logger LOG = LoggerFactory.getLogger(MatrixClientComponent.class);

    /** Keys as in a {@code .cfg} file: {@code homeserver_url}, ... (DS maps {@code __} in a method name to {@code _}). */
    @ObjectClassDefinition(name = "mxrtc Matrix account", description = "One Matrix account the runtime acts as.")
    public @interface Config {

        @AttributeDefinition(description = "Homeserver base URL, e.g. https://matrix.example.org")
        String homeserver__url();

        @AttributeDefinition(description = "Full user id (@bot:example.org) or localpart")
        String user__id();

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password (or use access_token)")
        String password() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Access token instead of a password login")
        String access__token() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "m.login.token for a one-time token login")
        String login__token() default "";

        @AttributeDefinition(description = "Device id to log in as; empty: the server picks one, kept in data_dir")
        String device__id() default "";

        @AttributeDefinition(description = "Display name of a new device")
        String initial__device__display__name() default "mxrtc";

        @AttributeDefinition(description = "Register the user if the password is refused (development servers)")
        boolean register() default false;

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "Synapse registration_shared_secret; empty: register with m.login.dummy")
        String registration__shared__secret() default "";

        @AttributeDefinition(description = "Long-poll timeout of /sync in ms")
        long sync__timeout__ms() default 30_000;

        @AttributeDefinition(description = "Timeout of other requests in ms")
        long request__timeout__ms() default 60_000;

        @AttributeDefinition(description = "Retries of a transient failure (429, 5xx, network) per request")
        int max__retries() default 5;

        @AttributeDefinition(description = "First backoff delay after a failure, ms")
        long backoff__initial__ms() default 500;

        @AttributeDefinition(description = "Longest backoff delay, ms")
        long backoff__max__ms() default 60_000;

        @AttributeDefinition(description = "Directory for the since token and session; empty: the bundle's data area")
        String data__dir() default "";

        @AttributeDefinition(description = "Run the /sync loop")
        boolean sync() default true;

        @AttributeDefinition(description = "Join every room the account is invited to (needs the sync loop)")
        boolean auto__join() default false;
    }

    private final BundleContext context;
    private final SinkFeeder feeder;
    private final MatrixAccount account;
    private final AtomicReference<ServiceRegistration<MatrixClient>> registration = new AtomicReference<>();
    private volatile boolean active = true;

    @Activate
    public MatrixClientComponent(BundleContext context, Config config) {
        this.context = context;
        AccountSettings settings = settings(config, dataDir(context, config));
        this.feeder = new SinkFeeder(settings.userId());
        this.account = MatrixAccount.open(settings, Clock.systemUTC(), feeder, this::register,
                config.auto__join());
        // DS binds the dynamic references after construction; sinks that arrive get a snapshot, so starting now
        // loses nothing
        account.start();
        LOG.info("account {} on {}: started", settings.userId(), settings.homeserverUrl());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRoomEventSink(RoomEventSink sink) {
        feeder.addSink(sink);
    }

    void removeRoomEventSink(RoomEventSink sink) {
        feeder.removeSink(sink);
    }

    /** Listeners with {@value SyncListener#USER_ID_PROPERTY} get only that account's batches. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSyncListener(SyncListener listener, java.util.Map<String, Object> properties) {
        Object only = properties.get(SyncListener.USER_ID_PROPERTY);
        if (only == null || only.equals(account.client().userId())) {
            feeder.addListener(listener);
        }
    }

    void removeSyncListener(SyncListener listener) {
        feeder.removeListener(listener);
    }

    @Deactivate
    void deactivate() {
        active = false;
        ServiceRegistration<MatrixClient> reg = registration.getAndSet(null);
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException e) {
                LOG.debug("client service already unregistered", e);
            }
        }
        account.stop();
    }

    private void register(MatrixClient client) {
        if (!active) {
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(MatrixClient.USER_ID_PROPERTY, client.userId());
        props.put(MatrixClient.HOMESERVER_PROPERTY, client.homeserverUrl());
        registration.set(context.registerService(MatrixClient.class, client, props));
        if (!active) {
            deactivate();
        }
    }

    static AccountSettings settings(Config c, Path dataDir) {
        return new AccountSettings(c.homeserver__url().strip(), c.user__id().strip(), c.password(), c.access__token(),
                c.login__token(), c.device__id().isBlank() ? Optional.empty() : Optional.of(c.device__id().strip()),
                c.initial__device__display__name(), c.register(), c.registration__shared__secret(), c.sync__timeout__ms(),
                c.request__timeout__ms(), c.max__retries(), c.backoff__initial__ms(), c.backoff__max__ms(), dataDir,
                c.sync());
    }

    private static Path dataDir(BundleContext context, Config c) {
        if (!c.data__dir().isBlank()) {
            return Path.of(c.data__dir());
        }
        String safe = c.user__id().replaceAll("[^A-Za-z0-9._-]", "_") + "@"
                + c.homeserver__url().replaceAll("[^A-Za-z0-9._-]", "_");
        java.io.File area = context.getDataFile("accounts/" + safe);
        if (area == null) {
            throw new IllegalStateException("no bundle data area; configure data_dir");
        }
        return area.toPath();
    }
}
