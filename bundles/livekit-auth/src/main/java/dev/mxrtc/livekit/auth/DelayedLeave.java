package dev.mxrtc.livekit.auth;

import dev.mxrtc.livekit.auth.DelayedEventActions.Action;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delegated delayed leave: keeps a member's MSC4140 delayed leave event alive while the SFU says the participant is
 * connected, and sends it the moment the SFU says it left. One delegation per (LiveKit room, identity), which is one
 * per (Matrix room, slot, member, user): a new delay id supersedes the old one.
 *
 * <pre>
 *  (delegate) ──► WAITING ── joined webhook, or room-service lookup finds it ──► CONNECTED
 *                   │ │                                                         │  restart now, then every
 *                   │ │ wait over (min(1 h, delay_timeout))                      │  80 % of delay_timeout
 *                   │ ▼                                                         │  (retried until the deadline)
 *                   │ DISCONNECTED ◄── left webhook, or the sweep misses it ─────┤
 *                   │   send now (retried until the deadline, 1 s … 1 h)        │ restart 404, or
 *                   │   │                                                       │ deadline passed
 *  left (not client-│   ▼                                                       ▼
 *  initiated) ──────┴─► DONE ◄──────────────────────────────────────────────────┘
 *
 *  any state ── a new delegation for the same key ──► DONE (replaced)
 * </pre>
 *
 * <p>Concurrency: one actor thread owns the delegations, their states and timers; HTTP and room-service calls run
 * on virtual threads / the HTTP client and post their results back to the actor, which ignores results for a
 * delegation that is no longer current. Time comes from the injected clock and scheduler.
 */
public final class DelayedLeave implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedLeave.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final Duration MAX_WAIT = Duration.ofHours(1);

    /** A delegation's key: the LiveKit room and the participant identity. */
    public record Key(String roomAlias, String identity) {
        public Key {
            Objects.requireNonNull(roomAlias);
            Objects.requireNonNull(identity);
        }
    }

    /** Where a delegation stands (for tests and the admin view). */
    public enum State { WAITING, CONNECTED, DISCONNECTED, DONE }

    private final ScheduledExecutorService actor;
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final Clock clock;
    private final DelayedEventActions actions;
    private final SfuRooms rooms;
    private final MatrixServers servers;
    private final Duration sanityInterval;
    private final Map<Key, Job> jobs = new HashMap<>(); // actor-owned
    private final ScheduledFuture<?> sweep;

    private final class Job {
        final Key key;
        final String serverName;
        final String delayId;
        final Duration timeout;
        State state = State.WAITING;
        Instant deadline;
        ScheduledFuture<?> timer; // the one timer of the current state
        Duration backoff = FIRST_BACKOFF;

        Job(Key key, String serverName, String delayId, Duration timeout) {
            this.key = key;
            this.serverName = serverName;
            this.delayId = delayId;
            this.timeout = timeout;
        }

        boolean current() { return jobs.get(key) == this && state != State.DONE; }

        void schedule(Duration after, Runnable r) {
            cancelTimer();
            timer = actor.schedule(() -> { if (current()) r.run(); }, after.toMillis(), TimeUnit.MILLISECONDS);
        }

        void cancelTimer() {
            if (timer != null) timer.cancel(false);
            timer = null;
        }

        Duration nextBackoff() {
            Duration b = backoff;
            backoff = min(MAX_BACKOFF, Duration.ofMillis(backoff.toMillis() * 3 / 2));
            return b;
        }
    }

    /**
     * @param actor          single-threaded scheduler that owns all state (closed by {@link #close()})
     * @param sanityInterval period of the sweep that asks the room service who is connected; zero disables it
     */
    public DelayedLeave(ScheduledExecutorService actor, Clock clock, DelayedEventActions actions, SfuRooms rooms,
            MatrixServers servers, Duration sanityInterval) {
        this.actor = actor;
        this.clock = clock;
        this.actions = actions;
        this.rooms = rooms;
        this.servers = servers;
        this.sanityInterval = sanityInterval;
        this.sweep = sanityInterval.isZero() ? null : actor.scheduleWithFixedDelay(this::sweep,
                sanityInterval.toMillis(), sanityInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes over the delayed leave {@code delayId} of {@code key}'s participant; replaces an earlier delegation. */
    public CompletableFuture<Void> delegate(Key key, String serverName, String delayId, Duration delayTimeout) {
        if (delayTimeout.isNegative() || delayTimeout.isZero()) throw new IllegalArgumentException("delay timeout must be > 0");
        return CompletableFuture.runAsync(() -> {
            Job old = jobs.get(key);
            if (old != null) {
                LOG.info("delegated leave replaced: room {} identity {}", key.roomAlias(), key.identity());
                old.cancelTimer();
                old.state = State.DONE;
            }
            Job job = new Job(key, serverName, delayId, delayTimeout);
            jobs.put(key, job);
            LOG.info("delegated leave taken over: room {} identity {} server {} timeout {} ms", key.roomAlias(),
                    key.identity(), serverName, delayTimeout.toMillis());
            Duration waitFor = min(MAX_WAIT, delayTimeout);
            Instant waitEnd = clock.instant().plus(waitFor);
            lookup(job, waitEnd);
        }, actor);
    }

    /** The SFU's {@code participant_joined}. */
    public void participantJoined(String roomAlias, String identity) {
        post(() -> {
            Job job = jobs.get(new Key(roomAlias, identity));
            if (job != null && job.current() && job.state == State.WAITING) connected(job, "joined webhook");
        });
    }

    /** The SFU's {@code participant_left} / {@code participant_connection_aborted}. */
    public void participantLeft(String roomAlias, String identity, boolean clientInitiated) {
        post(() -> {
            Job job = jobs.get(new Key(roomAlias, identity));
            if (job == null || !job.current()) return;
            switch (job.state) {
                case CONNECTED -> disconnected(job, "left webhook");
                case WAITING -> {
                    if (!clientInitiated) finish(job, "connection aborted before it was established");
                }
                case DISCONNECTED, DONE -> { }
            }
        });
    }

    /** The state of a delegation, if there is one. */
    public Optional<State> state(Key key) {
        try {
            return CompletableFuture.supplyAsync(() -> Optional.ofNullable(jobs.get(key)).map(j -> j.state), actor)
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    // ---- WAITING: phase-1 lookup with backoff until the participant is on the SFU or the wait ends -------------

    private void lookup(Job job, Instant waitEnd) {
        if (!clock.instant().isBefore(waitEnd)) {
            LOG.info("delegated leave: {} never connected to room {}; sending the leave", job.key.identity(), job.key.roomAlias());
            disconnected(job, "waiting timed out");
            return;
        }
        present(job.key, found -> {
            if (!job.current() || job.state != State.WAITING) return;
            if (Boolean.TRUE.equals(found)) {
                connected(job, "room service lookup");
            } else {
                Duration next = min(job.nextBackoff(), Duration.between(clock.instant(), waitEnd));
                job.schedule(next.isNegative() ? Duration.ZERO : next, () -> lookup(job, waitEnd));
            }
        });
    }

    /** Asks the room service off the actor; the answer (true, false, or null when unknown) comes back on it. */
    private void present(Key key, Consumer<Boolean> then) {
        try {
            io.execute(() -> {
                Boolean found;
                try {
                    found = rooms.participants(key.roomAlias()).contains(key.identity());
                } catch (Exception e) {
                    LOG.debug("room service lookup for room {} failed: {}", key.roomAlias(), e.toString());
                    found = null;
                }
                Boolean answer = found;
                post(() -> then.accept(answer));
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("delegated leave: closed");
        }
    }

    // ---- CONNECTED: restart now and every 80 % of the timeout ---------------------------------------------------

    private void connected(Job job, String why) {
        job.cancelTimer();
        job.state = State.CONNECTED;
        job.deadline = clock.instant().plus(job.timeout);
        job.backoff = FIRST_BACKOFF;
        LOG.info("delegated leave: {} connected to room {} ({})", job.key.identity(), job.key.roomAlias(), why);
        restart(job);
    }

    private void restart(Job job) {
        if (!clock.instant().isBefore(job.deadline)) {
            finish(job, "restart deadline passed: the homeserver has sent the leave itself");
            return;
        }
        withCsApi(job, base -> actions.act(base, job.delayId, Action.RESTART).thenAccept(status -> post(() -> {
            if (!job.current() || job.state != State.CONNECTED) return;
            if (status == 200 || status == 204) {
                job.deadline = clock.instant().plus(job.timeout);
                job.backoff = FIRST_BACKOFF;
                job.schedule(job.timeout.multipliedBy(8).dividedBy(10), () -> restart(job));
            } else if (status == 404) {
                finish(job, "delayed event not found on restart (already sent or cancelled)");
            } else {
                LOG.warn("delegated leave: restart for room {} identity {} answered {}; retrying", job.key.roomAlias(),
                        job.key.identity(), status);
                job.schedule(job.nextBackoff(), () -> restart(job));
            }
        })), () -> finish(job, "client-server API of " + job.serverName + " not found"));
    }

    // ---- DISCONNECTED: send now, retried until the deadline ----------------------------------------------------

    private void disconnected(Job job, String why) {
        job.cancelTimer();
        job.state = State.DISCONNECTED;
        job.backoff = FIRST_BACKOFF;
        Instant now = clock.instant();
        Duration left = job.deadline == null ? Duration.ZERO : Duration.between(now, job.deadline);
        Instant sendUntil = now.plus(min(MAX_WAIT, max(Duration.ofSeconds(1), left)));
        LOG.info("delegated leave: {} left room {} ({}); sending the leave", job.key.identity(), job.key.roomAlias(), why);
        send(job, sendUntil);
    }

    private void send(Job job, Instant until) {
        withCsApi(job, base -> actions.act(base, job.delayId, Action.SEND).thenAccept(status -> post(() -> {
            if (!job.current() || job.state != State.DISCONNECTED) return;
            if (status == 200 || status == 204 || status == 404) {
                finish(job, status == 404 ? "leave already sent or cancelled" : "leave sent");
            } else if (clock.instant().isBefore(until)) {
                job.schedule(job.nextBackoff(), () -> send(job, until));
            } else {
                finish(job, "sending the leave failed with " + status + " until the deadline");
            }
        })), () -> finish(job, "client-server API of " + job.serverName + " not found"));
    }

    private void withCsApi(Job job, Consumer<URI> then, Runnable missing) {
        servers.csApiBase(job.serverName).thenAccept(base -> post(() -> {
            if (!job.current()) return;
            if (base.isPresent()) then.accept(base.get()); else missing.run();
        }));
    }

    private void finish(Job job, String why) {
        job.cancelTimer();
        job.state = State.DONE;
        jobs.remove(job.key, job);
        LOG.info("delegated leave done: room {} identity {}: {}", job.key.roomAlias(), job.key.identity(), why);
    }

    // ---- the sanity sweep: one ListParticipants per room with connected delegations ---------------------------

    private void sweep() {
        Map<String, List<Job>> byRoom = new HashMap<>();
        for (Job job : jobs.values()) {
            if (job.state == State.CONNECTED) byRoom.computeIfAbsent(job.key.roomAlias(), r -> new ArrayList<>()).add(job);
        }
        byRoom.forEach((room, list) -> {
            try {
                io.execute(() -> {
                    Set<String> present;
                    try {
                        present = rooms.participants(room);
                    } catch (Exception e) {
                        LOG.warn("sanity sweep: room service lookup for room {} failed (ignored): {}", room, e.toString());
                        return;
                    }
                    post(() -> list.forEach(job -> {
                        if (job.current() && job.state == State.CONNECTED && !present.contains(job.key.identity())) {
                            LOG.warn("sanity sweep: {} is no longer in room {} (missed webhook)", job.key.identity(), room);
                            disconnected(job, "sanity sweep");
                        }
                    }));
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("delegated leave: closed");
            }
        });
    }

    private void post(Runnable r) {
        try {
            actor.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.debug("delegated leave: closed, result dropped");
        }
    }

    private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

    private static Duration max(Duration a, Duration b) { return a.compareTo(b) >= 0 ? a : b; }

    /** Stops the sweep and all delegations (pending leaves are left to the homeserver's own timers). */
    @Override
    public void close() {
        try {
            if (sweep != null) sweep.cancel(false);
        } catch (RuntimeException e) {
            LOG.warn("stopping the sweep failed", e);
        }
        try {
            actor.shutdownNow();
        } catch (RuntimeException e) {
            LOG.warn("stopping the actor failed", e);
        }
        try {
            io.shutdownNow();
        } catch (RuntimeException e) {
            LOG.warn("stopping the lookups failed", e);
        }
    }
}
