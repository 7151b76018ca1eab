package dev.mxrtc.focus.runtime;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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

import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.matrix.MatrixClient;

/**
 * The runtime glue between sessions and focus backends: every member of the runtime's own accounts is connected
 * through the {@link FocusBackend} of its transport, gets every session change, is moved make-before-break when the
 * transport or the backend changes, and is closed when it leaves. See {@link FocusRuntime}.
 */
@Component(immediate = true, service = RtcSessionListener.class, configurationPid = FocusRuntimeComponent.PID)
@Designate(ocd = FocusRuntimeComponent.Config.class)
public final class FocusRuntimeComponent implements RtcSessionListener {

    static final String PID = "dev.mxrtc.focus.runtime";
    private static final Logger LOG = LoggerFactory.getLogger(FocusRuntimeComponent.class);

    @ObjectClassDefinition(name = "mxrtc focus runtime", description = "Connects local members through focus backends.")
    public @interface Config {
        @AttributeDefinition(description = "How long a backend's connect stage may take before it counts as failed (ms).")
        long connect_timeout_ms() default 30_000;

        @AttributeDefinition(description = "First wait before retrying a failed connect (ms); doubles per failure.")
        long retry_initial_ms() default 1_000;

        @AttributeDefinition(description = "Longest wait between connect retries (ms).")
        long retry_max_ms() default 30_000;

        @AttributeDefinition(description = "How long deactivation waits for the connections to close (ms).")
        long stop_timeout_ms() default 10_000;
    }

    private final ThreadActor actor = new ThreadActor("mxrtc-focus-runtime");
    private final FocusRuntime runtime;
    private final Map<Long, MatrixClient> clients = new ConcurrentHashMap<>();
    private final long stopTimeoutMs;

    @Activate
    public FocusRuntimeComponent(Config config, @Reference RtcSessions sessions) {
        this.runtime = new FocusRuntime(actor,
                new FocusRuntime.Timing(config.connect_timeout_ms(), config.retry_initial_ms(), config.retry_max_ms()));
        this.stopTimeoutMs = config.stop_timeout_ms();
        try {
            runtime.seed(sessions.rooms().stream().flatMap(r -> sessions.sessions(r).stream()).toList());
        } catch (RuntimeException e) {
            LOG.warn("could not read the current sessions; waiting for session events", e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(FocusBackend backend, Map<String, Object> props) {
        runtime.backendAdded(ref(backend, props));
    }

    void updatedBackend(FocusBackend backend, Map<String, Object> props) {
        runtime.backendUpdated(ref(backend, props));
    }

    void removeBackend(FocusBackend backend, Map<String, Object> props) {
        runtime.backendRemoved(serviceId(props));
    }

    /** Only the names matter: a sticky member whose first transport names an algorithm follows the session. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSelection(FocusSelection selection, Map<String, Object> props) {
        Object name = props.get(FocusSelection.NAME_PROPERTY);
        runtime.selectionAdded(serviceId(props), name instanceof String s ? s : selection.name());
    }

    void removeSelection(FocusSelection selection, Map<String, Object> props) {
        runtime.selectionRemoved(serviceId(props));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addClient(MatrixClient client, Map<String, Object> props) {
        clients.put(serviceId(props), client);
        runtime.localDevices(this::localDevices);
    }

    void removeClient(MatrixClient client, Map<String, Object> props) {
        clients.remove(serviceId(props));
        runtime.localDevices(this::localDevices);
    }

    @Override
    public void onSessionEvent(SessionEvent event) {
        runtime.sessionEvent(event);
    }

    @Deactivate
    void deactivate() {
        try {
            runtime.stop().toCompletableFuture().get(stopTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("focus connections did not all close within {} ms", stopTimeoutMs, e);
        }
        try {
            actor.shutdown();
            actor.awaitTermination(stopTimeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on the actor: asks each account for its device (it may log in first). */
    private Set<LocalDevice> localDevices() {
        Set<LocalDevice> out = new HashSet<>();
        for (MatrixClient c : clients.values()) {
            String user;
            try {
                user = c.userId();
            } catch (RuntimeException e) {
                LOG.warn("a Matrix account did not tell its user id; its members are not connected", e);
                continue;
            }
            Optional<String> device;
            try {
                device = Optional.ofNullable(c.deviceId());
            } catch (RuntimeException e) {
                LOG.warn("{}: no device id yet; connecting the members of every device of the user", user, e);
                device = Optional.empty();
            }
            out.add(new LocalDevice(user, device));
        }
        return out;
    }

    private static BackendRef ref(FocusBackend backend, Map<String, Object> props) {
        Object type = props.get(FocusBackend.TYPE_PROPERTY);
        String t = type instanceof String s ? s : backend.transportType();
        int ranking = props.get("service.ranking") instanceof Integer r ? r : 0;
        return new BackendRef(serviceId(props), ranking, t, backend);
    }

    private static long serviceId(Map<String, Object> props) {
        return ((Number) props.get("service.id")).longValue();
    }
}
