package dev.mxrtc.membership.manager;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.RtcParticipants;

/**
 * {@link RtcParticipants} as a DS component: the Matrix accounts are the {@link MatrixClient} services (picked by
 * {@code matrix.user_id}); it listens to the core's session changes (as an {@link RtcSessionListener}) to notice
 * when one of its own members vanishes. Deactivation leaves every participation cleanly.
 */
@Component(service = {RtcParticipants.class, RtcSessionListener.class}, configurationPid = RtcParticipantsComponent.PID)
@Designate(ocd = RtcParticipantsComponent.Config.class)
public final class RtcParticipantsComponent implements RtcParticipants, RtcSessionListener {

    public static final String PID = "dev.mxrtc.membership";

    @ObjectClassDefinition(name = "mxrtc membership", description = "How mxrtc publishes and keeps its own memberships")
    public @interface Config {
        @AttributeDefinition(description = "Delay of the delayed leave (ms): how long after the last keep-alive the server removes the member")
        long delay_ms() default 8_000;

        @AttributeDefinition(description = "How often the delayed leave is restarted (ms); must be below delay_ms")
        long restart_period_ms() default 5_000;

        @AttributeDefinition(description = "Legacy 'expires' step (ms); each refresh adds it")
        long legacy_expires_ms() default 14_400_000;

        @AttributeDefinition(description = "Sticky duration of sticky memberships (ms, at most 1 h)")
        long sticky_duration_ms() default 3_600_000;

        @AttributeDefinition(description = "Re-send the membership this long before it would lapse (ms)")
        long refresh_headroom_ms() default 5_000;

        @AttributeDefinition(description = "First wait after a 5xx or network failure (ms); doubles per failure")
        long retry_initial_ms() default 250;

        @AttributeDefinition(description = "Longest wait after a 5xx or network failure (ms)")
        long retry_max_ms() default 1_000;

        @AttributeDefinition(description = "Wait after a 429 without retry-after (ms)")
        long rate_limit_default_ms() default 5_000;

        @AttributeDefinition(description = "Non-transient failures in a row that end a join")
        int max_failures() default 10;

        @AttributeDefinition(description = "How long a clean leave keeps retrying (ms)")
        long leave_timeout_ms() default 10_000;
    }

    private final Map<String, MatrixClient> clients = new ConcurrentHashMap<>();
    private final Participants participants;

    @Activate
    public RtcParticipantsComponent(@Reference RtcSessions sessions, Config config) {
        MembershipConfig c = new MembershipConfig(config.delay_ms(), config.restart_period_ms(),
                config.legacy_expires_ms(), config.sticky_duration_ms(), config.refresh_headroom_ms(),
                config.retry_initial_ms(), config.retry_max_ms(), config.rate_limit_default_ms(),
                config.max_failures(), config.leave_timeout_ms());
        participants = new Participants(this::client, sessions, c);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addClient(MatrixClient client, Map<String, Object> props) {
        clients.put(String.valueOf(props.getOrDefault(MatrixClient.USER_ID_PROPERTY, client.userId())), client);
    }

    void removeClient(MatrixClient client, Map<String, Object> props) {
        clients.values().remove(client);
    }

    @Deactivate
    void deactivate() {
        participants.leaveAll(5_000);
    }

    private Optional<MatrixClient> client(Optional<String> userId) {
        if (userId.isPresent()) {
            return Optional.ofNullable(clients.get(userId.get()));
        }
        List<MatrixClient> all = List.copyOf(clients.values());
        return all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
    }

    @Override
    public Participation join(JoinRequest request) {
        return participants.join(request);
    }

    @Override
    public void onSessionEvent(SessionEvent event) {
        participants.onSessionEvent(event);
    }
}
