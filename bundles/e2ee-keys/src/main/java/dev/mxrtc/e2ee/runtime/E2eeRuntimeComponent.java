package dev.mxrtc.e2ee.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
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

import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.spi.EncryptionScheme;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.crypto.store.H2CryptoStore;
import dev.mxrtc.e2ee.EncryptedToDeviceSender;
import dev.mxrtc.e2ee.KeyFormat;
import dev.mxrtc.e2ee.VerifiedToDeviceListener;
import dev.mxrtc.e2ee.keys.KeyDistribution;
import dev.mxrtc.matrix.MatrixClient;

/**
 * Media keys of a running runtime ({@value #PID}): for the {@link MatrixClient} service the {@code client.target}
 * filter selects, a {@link DeviceCrypto} kept in the crypto store, a {@link KeyDistribution} fed by the client's
 * sync batches, and the core's session events (this component is an {@link RtcSessionListener}). Scheme services
 * are looked up by {@value EncryptionScheme#TYPE_PROPERTY} when our device joins a session.
 *
 * <p>It is also the account's {@link EncryptedToDeviceSender} service (users compare its {@code userId()} and
 * {@code deviceId()} with their account) and hands the decrypted to-device events that are not keys to every
 * {@link VerifiedToDeviceListener} service (whiteboard).
 */
@Component(configurationPid = E2eeRuntimeComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {RtcSessionListener.class, EncryptedToDeviceSender.class})
@Designate(ocd = E2eeRuntimeComponent.Config.class)
public final class E2eeRuntimeComponent implements RtcSessionListener, EncryptedToDeviceSender {

    public static final String PID = "dev.mxrtc.e2ee.runtime";

    private static final String LISTENER = "listener";

    private static final Logger LOG = LoggerFactory.getLogger(E2eeRuntimeComponent.class);

    /** Keys as in a {@code .cfg} file (DS maps {@code __} in a method name to {@code _}, {@code _} to {@code .}). */
    @ObjectClassDefinition(name = "mxrtc media keys", description = "End-to-end media keys for the runtime's own participations.")
    public @interface Config {

        @AttributeDefinition(description = "Which MatrixClient service, e.g. (matrix.user_id=@bot:example.org)")
        String client_target() default "(matrix.user_id=*)";

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "32-byte crypto store key, 64 hex digits (encrypts the H2 file and every pickle)")
        String store__key();

        @AttributeDefinition(description = "Directory of the crypto store; empty: the bundle's data area")
        String store__dir() default "";

        @AttributeDefinition(description = "Scheme for slots that declare no encryption (per_member, per_sender_ratchet, shared_key)")
        String default__scheme() default "per_member";

        @AttributeDefinition(description = "One-time keys kept on the server (1..100)")
        int one__time__keys() default 50;

        @AttributeDefinition(description = "To-device key format for sticky members: JS_SDK_TO_DEVICE or MSC4143")
        String sticky__format() default "JS_SDK_TO_DEVICE";

        @AttributeDefinition(description = "Also send keys as the legacy Megolm room event (older Element Call)")
        boolean send__room__events() default false;
    }

    private final Map<String, EncryptionScheme> schemes = new ConcurrentHashMap<>();
    private final H2CryptoStore store;
    private final E2eeRuntime runtime;
    private final Map<ServiceReference<VerifiedToDeviceListener>, AutoCloseable> listeners = new ConcurrentHashMap<>();
    private final ComponentContext componentContext;
    private final EncryptedToDeviceSender sender;

    @Activate
    public E2eeRuntimeComponent(ComponentContext componentContext, Config config,
            @Reference(name = "client") MatrixClient client,
            @Reference(name = "olm") OlmFactory olm,
            @Reference(name = "sessions") RtcSessions sessions) throws Exception {
        this.componentContext = componentContext;
        BundleContext context = componentContext == null ? null : componentContext.getBundleContext(); // null in unit tests with a store_dir
        byte[] key = storeKey(config.store__key());
        Path dir = config.store__dir().isBlank() ? context.getDataFile("crypto-store").toPath()
                : Path.of(config.store__dir());
        try {
            this.store = H2CryptoStore.open(dir, key, olm);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
        E2eeRuntime started = null;
        try {
            DeviceCrypto crypto = store.openDevice(client.userId(), client.deviceId());
            KeyDistribution.Settings d = KeyDistribution.Settings.defaults();
            this.runtime = new E2eeRuntime(client, crypto, type -> Optional.ofNullable(schemes.get(type)),
                    sessions::slot, Clock.systemUTC(), new E2eeRuntime.Settings(config.default__scheme(),
                            config.one__time__keys(), new KeyDistribution.Settings(KeyFormat.valueOf(config.sticky__format()),
                                    config.send__room__events(), d.maxBuffered(), d.bufferExpiryMs(), d.minRequeryMs())));
            started = runtime;
            runtime.start();
            for (String room : sessions.rooms()) {
                runtime.sessionsNow(sessions.sessions(room));
            }
            this.sender = runtime.sender();
        } catch (CryptoException | RuntimeException e) {
            if (started != null) {
                started.close();
            }
            store.close();
            throw e;
        }
        LOG.info("media keys for {} {} started", client.userId(), client.deviceId());
    }

    private static byte[] storeKey(String hex) {
        try {
            byte[] key = HexFormat.of().parseHex(hex.strip());
            if (key.length == 32) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below without echoing the value
        }
        throw new IllegalArgumentException("store_key must be 64 hex digits (32 bytes)");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addScheme(EncryptionScheme scheme, Map<String, Object> properties) {
        Object type = properties.get(EncryptionScheme.TYPE_PROPERTY);
        schemes.put(type instanceof String s ? s : scheme.type(), scheme);
    }

    void removeScheme(EncryptionScheme scheme, Map<String, Object> properties) {
        schemes.values().removeIf(s -> s == scheme);
    }

    /**
     * Bound by reference and looked up at delivery: a listener (the to-device signalling's Olm cipher) needs this
     * component's {@link EncryptedToDeviceSender} service, so getting the listener while binding would be a DS
     * cycle (SCR logs it at ERROR and may leave one side without the other).
     */
    @Reference(name = LISTENER, service = VerifiedToDeviceListener.class,
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(ServiceReference<VerifiedToDeviceListener> ref) {
        listeners.put(ref, runtime.addListener(event -> {
            VerifiedToDeviceListener listener = componentContext.locateService(LISTENER, ref);
            if (listener != null) {
                listener.received(event);
            }
        }));
    }

    void removeListener(ServiceReference<VerifiedToDeviceListener> ref) {
        AutoCloseable registration = listeners.remove(ref);
        if (registration != null) {
            try {
                registration.close();
            } catch (Exception e) {
                LOG.debug("removing a to-device listener failed", e);
            }
        }
    }

    @Override
    public String userId() {
        return sender.userId();
    }

    @Override
    public String deviceId() {
        return sender.deviceId();
    }

    @Override
    public Outcome send(String userId, String deviceId, String type, String contentJson, String txnId) {
        return sender.send(userId, deviceId, type, contentJson, txnId);
    }

    @Override
    public void onSessionEvent(dev.mxrtc.api.SessionEvent event) {
        runtime.onSessionEvent(event);
    }

    @Deactivate
    void deactivate() {
        try {
            runtime.close();
        } catch (RuntimeException e) {
            LOG.warn("stopping media keys failed", e);
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the crypto store failed", e);
        }
    }
}
