package dev.mxrtc.membership.manager;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.matrix.DelayedAction;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixError;
import dev.mxrtc.matrix.MatrixException;
import dev.mxrtc.matrix.SendResult;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.ParticipationListener;
import dev.mxrtc.membership.ParticipationStatus;

/**
 * Publishes one member of one slot and keeps it alive: the membership manager of one participation. All state is
 * owned by one {@link Actor}; HTTP calls are made on it, blocking (bounded by the client's request timeout).
 *
 * <pre>
 *            start()
 *               |
 *               v
 *   +--> SCHEDULING ---(stale delay id? CANCEL it, 404 is fine)---> SCHEDULE_DELAYED_LEAVE
 *   |      |   ^ M_MAX_DELAY_EXCEEDED: delay := server max, again      |  Scheduled(delay_id)
 *   |      |   + 429 / 5xx / network: again after backoff              v
 *   |      |                                            JOINING --SEND_JOIN--> CONNECTED
 *   |      |                                               (429/5xx: again)       |  every restartPeriod: RESTART
 *   |      |                                                                      |  before expiry: REFRESH
 *   |      |                                                                      |  (restart, then re-send join)
 *   |      +--- lost: restart 404/409, own member left the computed session <-----+
 *   |             => fresh member id, the old delay id becomes stale
 *   +--------------------------------------------------------------------------------
 *
 *   any state --leave()--> LEAVING: SEND the delayed leave now (404/409/none: write the leave) --> DISCONNECTED
 *   SCHEDULING/JOINING: maxFailures non-transient errors in a row --> DISCONNECTED (failure)
 * </pre>
 *
 * The restart timer runs from the moment the delayed leave is scheduled (also while the join is retried). A
 * transient failure of a restart is retried after the backoff, but never later than a margin before the delayed
 * leave would fire; a 429's retry-after is honoured up to that margin too.
 */
public final class MembershipManager implements Participation {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipManager.class);

    /** The manager's states. */
    enum State { IDLE, SCHEDULING, JOINING, CONNECTED, LEAVING, DISCONNECTED }

    /** What a timer runs. */
    enum Action { SCHEDULE_DELAYED_LEAVE, SEND_JOIN, RESTART_DELAYED_LEAVE, REFRESH_MEMBERSHIP, SEND_LEAVE }

    private final MatrixClient client;
    private final Actor actor;
    private final String roomId;
    private final SlotId slotId;
    private final Supplier<MemberWire> wireFactory;
    private final MembershipFormat format;
    private final CopyOnWriteArrayList<ParticipationListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> left = new CompletableFuture<>();

    // actor-owned
    private MemberWire wire;
    private MembershipConfig config;
    private final boolean delayedEvents;
    private State state = State.IDLE;
    private Application app;
    private String staleDelayId;
    private String delayId;
    private long lastRestartAt;
    private long createdTs;
    private long expiresMs;
    private long stickySentAt;
    private int failures;
    private int transientFailures;
    private long leaveDeadline;
    private final java.util.EnumMap<Action, Actor.Cancellable> timers = new java.util.EnumMap<>(Action.class);

    // read from any thread
    private volatile String memberId = UUID.randomUUID().toString();
    private volatile ParticipationStatus status = ParticipationStatus.CONNECTING;
    private volatile String failure;

    /** The application and transports being published. */
    private record Application(dev.mxrtc.api.Application application, List<Transport> transports,
            List<String> canSubscribe) {
    }

    /**
     * @param wireFactory builds the wire format once the actor runs (it may ask the server for the room version)
     * @param format the resolved format (not AUTO), reported by {@link #format()}
     * @param delayedEvents whether the server supports MSC4140; without it the join is sent unguarded (as js-sdk)
     */
    MembershipManager(MatrixClient client, Actor actor, String roomId, SlotId slotId, Supplier<MemberWire> wireFactory,
            MembershipFormat format, boolean delayedEvents, MembershipConfig config,
            dev.mxrtc.api.Application application, List<Transport> transports, List<String> canSubscribe) {
        this.client = client;
        this.actor = actor;
        this.roomId = roomId;
        this.slotId = slotId;
        this.wireFactory = wireFactory;
        this.format = format;
        this.delayedEvents = delayedEvents;
        this.config = config;
        this.app = new Application(application, transports, canSubscribe);
    }

    /** Starts joining, on the actor. */
    void start() {
        actor.execute(() -> {
            if (state != State.IDLE) {
                return;
            }
            wire = wireFactory.get();
            beginJoin();
        });
    }

    // --- the participation API (any thread) ---

    @Override
    public String roomId() {
        return roomId;
    }

    @Override
    public SlotId slotId() {
        return slotId;
    }

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public ParticipationStatus status() {
        return status;
    }

    @Override
    public MembershipFormat format() {
        return format;
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public AutoCloseable addListener(ParticipationListener listener) {
        listeners.add(listener);
        actor.execute(() -> listener.onStatus(this, status, memberId));
        return () -> listeners.remove(listener);
    }

    @Override
    public void updateTransports(List<Transport> transports) {
        List<Transport> copy = List.copyOf(transports);
        actor.execute(() -> {
            app = new Application(app.application(), copy, app.canSubscribe());
            if (state == State.CONNECTED) {
                schedule(Action.REFRESH_MEMBERSHIP, 0);
            }
        });
    }

    @Override
    public CompletionStage<Void> leave() {
        actor.execute(this::beginLeave);
        return left.minimalCompletionStage();
    }

    /** A change of the computed session: if our own member left it while connected, rejoin. Any thread. */
    void onSessionEvent(SessionEvent event) {
        if (!event.session().roomId().equals(roomId) || !event.session().slotId().equals(slotId)) {
            return;
        }
        Optional<Member> gone = switch (event) {
            case SessionEvent.MemberLeft l -> Optional.of(l.member());
            case SessionEvent.SessionEnded e -> e.session().members().stream().filter(this::isOwn).findFirst();
            case SessionEvent.SessionStarted s -> Optional.empty();
            case SessionEvent.MemberJoined j -> Optional.empty();
            case SessionEvent.MemberUpdated u -> Optional.empty();
            case SessionEvent.ActiveTransportChanged t -> Optional.empty();
        };
        gone.filter(this::isOwn).ifPresent(m -> actor.execute(() -> ownMemberLeft(m)));
    }

    private boolean isOwn(Member m) {
        return m.memberId().equals(memberId) && m.userId().equals(client.userId());
    }

    // --- state machine (actor) ---

    private void beginJoin() {
        setState(State.SCHEDULING, ParticipationStatus.CONNECTING);
        failures = 0;
        transientFailures = 0;
        if (delayedEvents) {
            schedule(Action.SCHEDULE_DELAYED_LEAVE, 0);
        } else {
            LOG.warn("room {} slot {}: the homeserver has no delayed events (MSC4140); joining without a delayed leave",
                    roomId, slotId);
            setState(State.JOINING, ParticipationStatus.CONNECTING);
            schedule(Action.SEND_JOIN, 0);
        }
    }

    private void ownMemberLeft(Member m) {
        if (state != State.CONNECTED || !m.memberId().equals(memberId)) {
            return;
        }
        LOG.info("room {} slot {}: own member {} vanished from the session; rejoining", roomId, slotId, memberId);
        rejoin();
    }

    /** The membership is lost: rejoin with a fresh member id; the old delayed leave (if any) is cancelled first. */
    private void rejoin() {
        cancelTimers();
        staleDelayId = delayId;
        delayId = null;
        memberId = UUID.randomUUID().toString();
        createdTs = 0;
        beginJoin();
    }

    private void run(Action action) {
        timers.remove(action);
        switch (action) {
            case SCHEDULE_DELAYED_LEAVE -> scheduleDelayedLeave();
            case SEND_JOIN -> sendJoin();
            case RESTART_DELAYED_LEAVE -> restartDelayedLeave();
            case REFRESH_MEMBERSHIP -> refresh();
            case SEND_LEAVE -> sendLeave();
        }
    }

    private void scheduleDelayedLeave() {
        if (state != State.SCHEDULING) {
            return;
        }
        if (staleDelayId != null) {
            try {
                client.updateDelayedEvent(staleDelayId, DelayedAction.CANCEL);
            } catch (MatrixException e) {
                if (e.error().isTransient()) {
                    retryLater(Action.SCHEDULE_DELAYED_LEAVE, e.error());
                    return;
                }
                // 404/409: it already fired or is gone; nothing to cancel
            }
            staleDelayId = null;
        }
        try {
            SendResult r = client.send(wire.delayedLeave(memberId, config.delayMs()));
            if (!(r instanceof SendResult.Scheduled s)) {
                throw new IllegalStateException("a delayed send returned an event: " + r);
            }
            delayId = s.delayId();
            lastRestartAt = actor.now();
            transientFailures = 0;
            LOG.debug("room {} slot {}: delayed leave scheduled ({} ms)", roomId, slotId, config.delayMs());
            setState(State.JOINING, ParticipationStatus.CONNECTING);
            schedule(Action.RESTART_DELAYED_LEAVE, config.restartPeriodMs());
            schedule(Action.SEND_JOIN, 0);
        } catch (MatrixException e) {
            MatrixError err = e.error();
            if (err.kind() == dev.mxrtc.matrix.ErrorKind.MAX_DELAY_EXCEEDED && err.maxDelayMs().isPresent()) {
                long max = err.maxDelayMs().getAsLong();
                long period = Math.max(1, Math.min(config.restartPeriodMs(), max * 5 / 8));
                LOG.info("room {} slot {}: delay {} ms is over the server's maximum {} ms; using it (restart every {} ms)",
                        roomId, slotId, config.delayMs(), max, period);
                config = config.withDelay(max, Math.min(period, max - 1));
                schedule(Action.SCHEDULE_DELAYED_LEAVE, 0);
            } else {
                failed(Action.SCHEDULE_DELAYED_LEAVE, err);
            }
        }
    }

    private void sendJoin() {
        if (state != State.JOINING) {
            return;
        }
        try {
            if (createdTs == 0) {
                createdTs = actor.now();
                expiresMs = config.legacyExpiresMs();
            }
            client.send(wire.join(joinContent()));
            stickySentAt = actor.now();
            failures = 0;
            transientFailures = 0;
            LOG.info("room {} slot {}: joined as member {} ({})", roomId, slotId, memberId, format);
            setState(State.CONNECTED, ParticipationStatus.CONNECTED);
            scheduleRefresh();
        } catch (MatrixException e) {
            failed(Action.SEND_JOIN, e.error());
        }
    }

    private MemberWire.Join joinContent() {
        return new MemberWire.Join(memberId, app.application(), app.transports(), app.canSubscribe(), createdTs,
                expiresMs);
    }

    private void scheduleRefresh() {
        long due = switch (wire) {
            case MemberWire.Legacy l -> createdTs + expiresMs - config.refreshHeadroomMs();
            case MemberWire.Sticky s -> stickySentAt + config.stickyDurationMs() - config.refreshHeadroomMs();
        };
        schedule(Action.REFRESH_MEMBERSHIP, due - actor.now());
    }

    private void restartDelayedLeave() {
        if ((state != State.JOINING && state != State.CONNECTED) || delayId == null) {
            return;
        }
        if (restartNow()) {
            schedule(Action.RESTART_DELAYED_LEAVE, config.restartPeriodMs());
        }
    }

    /** @return whether the restart succeeded; otherwise the next step is already arranged */
    private boolean restartNow() {
        try {
            client.updateDelayedEvent(delayId, DelayedAction.RESTART);
            lastRestartAt = actor.now();
            transientFailures = 0;
            return true;
        } catch (MatrixException e) {
            MatrixError err = e.error();
            switch (err.kind()) {
                case NOT_FOUND, CONFLICT -> {
                    LOG.info("room {} slot {}: the delayed leave of member {} is gone ({}): it fired; rejoining",
                            roomId, slotId, memberId, err.errcode());
                    delayId = null;
                    rejoin();
                }
                case RATE_LIMITED, SERVER_ERROR, NETWORK -> {
                    long wait = Math.min(waitFor(err), Math.max(0, untilSafetyMargin()));
                    LOG.debug("room {} slot {}: restart failed ({}), again in {} ms", roomId, slotId, err.errcode(), wait);
                    transientFailures++;
                    schedule(Action.RESTART_DELAYED_LEAVE, wait);
                }
                case FORBIDDEN, UNKNOWN_TOKEN, MISSING_TOKEN, UNRECOGNIZED, MAX_DELAY_EXCEEDED, BAD_REQUEST,
                        USER_IN_USE, OTHER -> {
                    LOG.warn("room {} slot {}: restart failed ({}), again in {} ms", roomId, slotId, err.errcode(),
                            config.retryMaxMs());
                    schedule(Action.RESTART_DELAYED_LEAVE, Math.min(config.retryMaxMs(), untilSafetyMargin()));
                }
            }
            return false;
        }
    }

    /** @return ms until a margin (one retry step) before the delayed leave would fire */
    private long untilSafetyMargin() {
        return lastRestartAt + config.delayMs() - config.retryMaxMs() - actor.now();
    }

    private void refresh() {
        if (state != State.CONNECTED) {
            return;
        }
        boolean expiryDue = switch (wire) {
            case MemberWire.Legacy l -> actor.now() >= createdTs + expiresMs - config.refreshHeadroomMs();
            case MemberWire.Sticky s -> false;
        };
        // protect the membership first, as js-sdk does: a refresh must not race the delayed leave
        if (delayId != null) {
            cancelTimer(Action.RESTART_DELAYED_LEAVE);
            if (!restartNow()) {
                if (state == State.CONNECTED) {
                    schedule(Action.REFRESH_MEMBERSHIP, waitFor(MatrixError.network("restart failed")));
                }
                return;
            }
            schedule(Action.RESTART_DELAYED_LEAVE, config.restartPeriodMs());
        }
        long expires = expiryDue ? expiresMs + config.legacyExpiresMs() : expiresMs;
        try {
            client.send(wire.join(new MemberWire.Join(memberId, app.application(), app.transports(),
                    app.canSubscribe(), createdTs, expires)));
            expiresMs = expires;
            stickySentAt = actor.now();
            transientFailures = 0;
            LOG.debug("room {} slot {}: membership {} re-sent (expires {})", roomId, slotId, memberId, expiresMs);
            scheduleRefresh();
        } catch (MatrixException e) {
            transientFailures++;
            schedule(Action.REFRESH_MEMBERSHIP, waitFor(e.error()));
        }
    }

    private void failed(Action action, MatrixError err) {
        if (err.isTransient()) {
            retryLater(action, err);
            return;
        }
        failures++;
        if (failures >= config.maxFailures()) {
            LOG.warn("room {} slot {}: giving up after {} failures ({})", roomId, slotId, failures, err.errcode());
            failure = action + ": " + err.errcode() + " " + err.message();
            cancelTimers();
            finish();
            return;
        }
        LOG.info("room {} slot {}: {} failed ({}), again in {} ms", roomId, slotId, action, err.errcode(),
                config.retryMaxMs());
        schedule(action, config.retryMaxMs());
    }

    private void retryLater(Action action, MatrixError err) {
        long wait = waitFor(err);
        LOG.debug("room {} slot {}: {} failed ({}), again in {} ms", roomId, slotId, action, err.errcode(), wait);
        transientFailures++;
        schedule(action, wait);
    }

    private long waitFor(MatrixError err) {
        if (err.kind() == dev.mxrtc.matrix.ErrorKind.RATE_LIMITED) {
            return err.retryAfterMs().orElse(config.rateLimitDefaultMs());
        }
        return config.backoff(transientFailures);
    }

    // --- leaving ---

    private void beginLeave() {
        if (state == State.LEAVING || state == State.DISCONNECTED) {
            return;
        }
        boolean published = state != State.IDLE;
        cancelTimers();
        setState(State.LEAVING, ParticipationStatus.DISCONNECTING);
        leaveDeadline = actor.now() + config.leaveTimeoutMs();
        transientFailures = 0;
        if (!published) {
            finish();
            return;
        }
        schedule(Action.SEND_LEAVE, 0);
    }

    private void sendLeave() {
        if (state != State.LEAVING) {
            return;
        }
        try {
            if (delayId != null) {
                try {
                    client.updateDelayedEvent(delayId, DelayedAction.SEND);
                    delayId = null;
                } catch (MatrixException e) {
                    if (e.error().isTransient()) {
                        throw e;
                    }
                    // 404/409: it fired or is gone; write the leave ourselves
                    delayId = null;
                    client.send(wire.leave(memberId));
                }
            } else {
                client.send(wire.leave(memberId));
            }
            if (staleDelayId != null) {
                try {
                    client.updateDelayedEvent(staleDelayId, DelayedAction.CANCEL);
                } catch (MatrixException e) {
                    LOG.debug("room {} slot {}: stale delayed leave not cancelled: {}", roomId, slotId,
                            e.error().errcode());
                }
                staleDelayId = null;
            }
            LOG.info("room {} slot {}: member {} left", roomId, slotId, memberId);
            finish();
        } catch (MatrixException e) {
            long wait = waitFor(e.error());
            if (actor.now() + wait > leaveDeadline) {
                LOG.warn("room {} slot {}: leave failed ({}); giving up, the delayed leave fires on its own",
                        roomId, slotId, e.error().errcode());
                finish();
                return;
            }
            transientFailures++;
            schedule(Action.SEND_LEAVE, wait);
        }
    }

    private void finish() {
        setState(State.DISCONNECTED, ParticipationStatus.DISCONNECTED);
        left.complete(null);
        actor.shutdown();
    }

    // --- plumbing ---

    private void setState(State next, ParticipationStatus nextStatus) {
        State before = state;
        state = next;
        if (before != next) {
            LOG.debug("room {} slot {} member {}: {} -> {}", roomId, slotId, memberId, before, next);
        }
        ParticipationStatus was = status;
        status = nextStatus;
        if (was != nextStatus || next == State.SCHEDULING) {
            for (ParticipationListener l : listeners) {
                try {
                    l.onStatus(this, nextStatus, memberId);
                } catch (RuntimeException e) {
                    LOG.warn("room {} slot {}: a participation listener failed", roomId, slotId, e);
                }
            }
        }
    }

    private void schedule(Action action, long delayMs) {
        cancelTimer(action);
        timers.put(action, actor.schedule(() -> run(action), delayMs));
    }

    private void cancelTimer(Action action) {
        Actor.Cancellable c = timers.remove(action);
        if (c != null) {
            c.cancel();
        }
    }

    private void cancelTimers() {
        timers.values().forEach(Actor.Cancellable::cancel);
        timers.clear();
    }

    /**
     * Stops without leaving, as if the process died: no more keep-alives, so the delayed leave fires on the server.
     * For tests and benchmarks of crash-to-clean time.
     */
    void crash() {
        actor.execute(() -> {
            cancelTimers();
            state = State.DISCONNECTED;
            status = ParticipationStatus.DISCONNECTED;
            failure = "crashed";
            left.complete(null);
            actor.shutdown();
        });
    }

    /** @return the state, for tests (read on the actor) */
    State state() {
        return state;
    }

    /** @return the current delay, for tests (the server's maximum after M_MAX_DELAY_EXCEEDED) */
    long delayMs() {
        return config.delayMs();
    }

    @Override
    public String toString() {
        return "Participation[room=" + roomId + ", slot=" + slotId + ", member=" + memberId + ", " + status + "]";
    }
}
