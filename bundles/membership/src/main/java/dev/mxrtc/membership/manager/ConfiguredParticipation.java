package dev.mxrtc.membership.manager;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.ParticipationStatus;
import dev.mxrtc.membership.RtcParticipants;

/**
 * The runtime takes part in a slot because the operator said so: one factory configuration
 * {@code dev.mxrtc.membership.join-<name>} (e.g. {@code etc/dev.mxrtc.membership.join-lobby.cfg}) per participation.
 * While the configuration exists (and the account's {@link MatrixClient} is there), the account joins the room and
 * {@link RtcParticipants} keeps its member alive; deleting the file leaves cleanly; editing it leaves and joins anew.
 *
 * <pre>
 *   activate --> JOINING_ROOM --(room joined)--> JOINING_SLOT --(participation)--> PARTICIPATING
 *                  ^  | failure: again after retry_ms     | no account yet / refused: again after retry_ms
 *                  +--+                                    +--> JOINING_SLOT
 *   deactivate (any state) --> leave the participation (bounded by leave_timeout_ms) --> done
 * </pre>
 *
 * One thread (the actor) owns the state; activation only schedules the first step, so SCR's thread never blocks on
 * HTTP.
 */
@Component(configurationPid = ConfiguredParticipation.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = ConfiguredParticipation.Config.class, factory = true)
public final class ConfiguredParticipation {

    public static final String FACTORY_PID = "dev.mxrtc.membership.join";

    @ObjectClassDefinition(name = "mxrtc participation",
            description = "The runtime's account joins a MatrixRTC slot and stays a member while this exists")
    public @interface Config {
        @AttributeDefinition(description = "Room id (!...); the account joins the room first (it must be invited or the room public)")
        String room();

        @AttributeDefinition(description = "Slot id: application#id")
        String slot() default "m.call#ROOM";

        @AttributeDefinition(description = "The application's own fields, a JSON object, e.g. {\"m.call.intent\":\"audio\"}")
        String application_fields() default "{}";

        @AttributeDefinition(description = "Published transports, a JSON array, e.g. [{\"type\":\"livekit\",\"livekit_service_url\":\"https://...\"}]")
        String transports() default "[]";

        @AttributeDefinition(description = "Wire format: AUTO, LEGACY, STICKY_UNSTABLE or STICKY_STABLE")
        String format() default "AUTO";

        @AttributeDefinition(description = "Which account's MatrixClient, e.g. (matrix.user_id=@mxrtc:localhost)")
        String client_target() default "(matrix.user_id=*)";

        @AttributeDefinition(description = "Wait between attempts while the room or slot cannot be joined (ms)")
        long retry_ms() default 2_000;

        @AttributeDefinition(description = "How long deactivation waits for the clean leave (ms)")
        long leave_timeout_ms() default 10_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredParticipation.class);

    private final ParticipationSpec spec;
    private final RtcParticipants participants;
    private final MatrixClient client;
    private final long retryMs;
    private final long leaveTimeoutMs;
    private final ScheduledExecutorService actor;
    /** owned by the actor */
    private Participation participation;
    private boolean roomJoined;
    private boolean stopped;

    @Activate
    public ConfiguredParticipation(@Reference RtcParticipants participants, @Reference(name = "client") MatrixClient client,
            Config config, java.util.Map<String, Object> props) {
        this(ParticipationSpec.parse(name(props), config.room(),
                config.slot(), config.application_fields(), config.transports(), config.format(), client.userId()),
                participants, client, config.retry_ms(), config.leave_timeout_ms());
    }

    /** Outside OSGi (tests): joins {@code spec} with {@code client} through {@code participants}. */
    public ConfiguredParticipation(ParticipationSpec spec, RtcParticipants participants, MatrixClient client,
            long retryMs, long leaveTimeoutMs) {
        this.spec = spec;
        this.participants = participants;
        this.client = client;
        this.retryMs = retryMs;
        this.leaveTimeoutMs = leaveTimeoutMs;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mxrtc-participation-" + spec.roomId());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.actor = executor;
        LOG.info("participation {}: room {} slot {} as {}", spec.name(), spec.roomId(), spec.request().slotId(),
                client.userId());
        actor.execute(this::step);
    }

    /** The configuration's file name when FileInstall made it, else its PID. */
    private static String name(java.util.Map<String, Object> props) {
        Object file = props.get("felix.fileinstall.filename");
        if (file != null) {
            String f = file.toString();
            return f.substring(f.lastIndexOf('/') + 1);
        }
        return String.valueOf(props.getOrDefault("service.pid", FACTORY_PID));
    }

    /** The current participation, if joined (tests). Any thread. */
    public java.util.Optional<Participation> participation() {
        try {
            return actor.submit(() -> java.util.Optional.ofNullable(participation)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private void step() {
        if (stopped) {
            return;
        }
        if (!roomJoined) {
            try {
                client.joinRoom(spec.roomId());
                roomJoined = true;
            } catch (RuntimeException e) { // MatrixException included
                LOG.warn("participation {}: cannot join room {} yet ({}); again in {} ms", spec.name(), spec.roomId(),
                        e.getMessage(), retryMs);
                actor.schedule(this::step, retryMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
        try {
            participation = participants.join(spec.request());
        } catch (RuntimeException e) {
            // e.g. RtcParticipants has not bound the account yet: both see the MatrixClient service appear
            LOG.info("participation {}: not joined yet ({}); again in {} ms", spec.name(), e.getMessage(), retryMs);
            actor.schedule(this::step, retryMs, TimeUnit.MILLISECONDS);
            return;
        }
        participation.addListener((p, status, memberId) -> {
            LOG.info("participation {}: room {} slot {} member {} {}", spec.name(), spec.roomId(),
                    spec.request().slotId(), memberId, status);
            if (status == ParticipationStatus.DISCONNECTED && p.failure().isPresent()) {
                LOG.warn("participation {}: gave up ({}); delete or edit the configuration to try again",
                        spec.name(), p.failure().get());
            }
        });
    }

    @Deactivate
    public void deactivate() {
        java.util.concurrent.CompletableFuture<Void> left;
        try {
            left = actor.submit(() -> {
                stopped = true;
                return participation == null ? java.util.concurrent.CompletableFuture.<Void>completedFuture(null)
                        : participation.leave().toCompletableFuture();
            }).get(10, TimeUnit.SECONDS);
            left.get(leaveTimeoutMs, TimeUnit.MILLISECONDS);
            LOG.info("participation {}: left room {} slot {}", spec.name(), spec.roomId(), spec.request().slotId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("participation {}: no clean leave within {} ms ({}); the delayed leave removes the member",
                    spec.name(), leaveTimeoutMs, e.toString());
        } finally {
            actor.shutdownNow();
        }
    }
}
