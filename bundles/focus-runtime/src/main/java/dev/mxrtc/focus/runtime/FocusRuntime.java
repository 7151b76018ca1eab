package dev.mxrtc.focus.runtime;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.api.spi.FocusBackend.FocusConnection;

/**
 * Keeps every local member connected through the {@link FocusBackend} of its transport. All state belongs to one
 * {@link Actor}; the public methods may be called from any thread and only queue work.
 *
 * <p>Per local member (room, slot, member id) the runtime compares the <em>target</em> — the transport
 * ({@link TransportChoice}) and the preferred backend registered for its type ({@link BackendRef#PREFERRED}) — with
 * the <em>live</em> connection, and moves make-before-break:
 *
 * <pre>
 *                 joined, target known
 *   (none) -------------------------------&gt; CONNECTING(target) --stage ok--&gt; LIVE(target)
 *                                              |  stage failed / timed out        |
 *                                              v                                  | target changes (transport changed,
 *                                           BACKOFF --timer--&gt; CONNECTING         |  better backend, backend gone)
 *                                                                                 v
 *   LIVE(old) + CONNECTING(new) --new stage ok--&gt; LIVE(new), then old.close()
 *                               --new failed / timed out--&gt; keep LIVE(old), log, BACKOFF, try again
 *   LIVE(old), old backend unregistered, no backend for the type --&gt; old.close(), (none) until one appears
 *   any --member left / session ended / runtime stopped--&gt; pending attempt abandoned, live closed
 * </pre>
 *
 * A stage that completes after its attempt was abandoned (timed out, superseded, member left) is closed at once.
 * Every session event is forwarded to the live connection ({@link FocusConnection#sessionChanged}); a connection
 * that completes after the session moved on gets the latest session first.
 */
final class FocusRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(FocusRuntime.class);

    /** Timing of connection attempts. */
    record Timing(long connectTimeoutMs, long retryInitialMs, long retryMaxMs) {
        Timing {
            if (connectTimeoutMs <= 0 || retryInitialMs <= 0 || retryMaxMs < retryInitialMs) {
                throw new IllegalArgumentException("bad timing " + connectTimeoutMs + "/" + retryInitialMs + "/"
                        + retryMaxMs);
            }
        }
    }

    private record SlotKey(String roomId, SlotId slotId) {
    }

    private record MemberKey(String roomId, SlotId slotId, String memberId) {
        @Override
        public String toString() {
            return roomId + " " + slotId + " " + memberId;
        }
    }

    private record Target(BackendRef backend, Transport transport) {
        boolean same(BackendRef b, Transport t) {
            return backend.serviceId() == b.serviceId() && transport.equals(t);
        }
    }

    /** A connection that is up. */
    private static final class Live {
        final Target target;
        final FocusConnection connection;
        Session delivered;

        Live(Target target, FocusConnection connection, Session delivered) {
            this.target = target;
            this.connection = connection;
            this.delivered = delivered;
        }
    }

    /** A connect stage under way. */
    private static final class Attempt {
        final Target target;
        final Session sentSession;
        Actor.Cancellable timeout = () -> { };
        boolean abandoned;

        Attempt(Target target, Session sentSession) {
            this.target = target;
            this.sentSession = sentSession;
        }
    }

    /** One local member. */
    private static final class Entry {
        final MemberKey key;
        Member member;
        Session session;
        Live live;
        Attempt pending;
        Target failed;
        Actor.Cancellable retry;
        int failures;

        Entry(MemberKey key) {
            this.key = key;
        }
    }

    private final Actor actor;
    private final Timing timing;
    private final Map<SlotKey, Session> sessions = new LinkedHashMap<>();
    private final Map<MemberKey, Entry> entries = new LinkedHashMap<>();
    private final Map<Long, BackendRef> backends = new HashMap<>();
    /** Names of the focus selection algorithms registered, by service id. */
    private final Map<Long, String> selections = new HashMap<>();
    private Set<LocalDevice> locals = Set.of();
    private boolean stopped;

    FocusRuntime(Actor actor, Timing timing) {
        this.actor = Objects.requireNonNull(actor, "actor");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    // ---- inputs (any thread) ----

    void sessionEvent(SessionEvent event) {
        actor.execute(() -> onSession(event));
    }

    /** Sessions that existed before the first event; a slot already known from an event is not overwritten. */
    void seed(List<Session> known) {
        List<Session> copy = List.copyOf(known);
        actor.execute(() -> copy.forEach(s -> {
            if (!sessions.containsKey(new SlotKey(s.roomId(), s.slotId()))) {
                sync(s);
            }
        }));
    }

    /** @param devices evaluated on the actor (it may ask a Matrix account for its device id) */
    void localDevices(Supplier<Set<LocalDevice>> devices) {
        actor.execute(() -> {
            locals = Set.copyOf(devices.get());
            List.copyOf(sessions.values()).forEach(this::sync);
        });
    }

    void backendAdded(BackendRef backend) {
        actor.execute(() -> {
            backends.put(backend.serviceId(), backend);
            LOG.info("focus backend {} available", backend);
            reconcileAll();
        });
    }

    /** The backend's service properties changed (e.g. its ranking): one step, so it is never missing meanwhile. */
    void backendUpdated(BackendRef backend) {
        actor.execute(() -> {
            backends.put(backend.serviceId(), backend);
            LOG.info("focus backend {} updated", backend);
            reconcileAll();
        });
    }

    void backendRemoved(long serviceId) {
        actor.execute(() -> {
            BackendRef gone = backends.remove(serviceId);
            if (gone != null) {
                LOG.info("focus backend {} gone", gone);
                reconcileAll();
            }
        });
    }

    /** A focus selection algorithm named {@code name} is present: a sticky transport of that type defers to it. */
    void selectionAdded(long serviceId, String name) {
        Objects.requireNonNull(name, "name");
        actor.execute(() -> {
            selections.put(serviceId, name);
            reconcileAll();
        });
    }

    void selectionRemoved(long serviceId) {
        actor.execute(() -> {
            if (selections.remove(serviceId) != null) {
                reconcileAll();
            }
        });
    }

    /** Closes every connection and stops the actor. @return completes once everything is closed */
    CompletionStage<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        actor.execute(() -> {
            stopped = true;
            List.copyOf(entries.values()).forEach(e -> leave(e, "runtime stopping"));
            done.complete(null);
            actor.shutdown();
        });
        return done;
    }

    // ---- actor ----

    private void onSession(SessionEvent event) {
        Session s = switch (event) {
            case SessionEvent.SessionEnded ended -> new Session(ended.session().roomId(), ended.session().slotId(),
                    List.of(), ended.session().startTs(), Optional.empty());
            case SessionEvent.SessionStarted e -> e.session();
            case SessionEvent.MemberJoined e -> e.session();
            case SessionEvent.MemberLeft e -> e.session();
            case SessionEvent.MemberUpdated e -> e.session();
            case SessionEvent.ActiveTransportChanged e -> e.session();
        };
        sync(s);
    }

    /** Brings the local members of one slot in line with the session snapshot. */
    private void sync(Session s) {
        if (stopped) {
            return;
        }
        SlotKey slot = new SlotKey(s.roomId(), s.slotId());
        if (s.members().isEmpty()) {
            sessions.remove(slot);
        } else {
            sessions.put(slot, s);
        }
        Set<MemberKey> present = new HashSet<>();
        for (Member m : s.members()) {
            if (locals.stream().noneMatch(l -> l.owns(m))) {
                continue;
            }
            MemberKey key = new MemberKey(s.roomId(), s.slotId(), m.memberId());
            present.add(key);
            Entry e = entries.computeIfAbsent(key, Entry::new);
            e.member = m;
            e.session = s;
            if (e.live != null && !s.equals(e.live.delivered)) {
                deliver(e.live, s, key);
            }
            reconcile(e);
        }
        for (Entry e : List.copyOf(entries.values())) {
            if (e.key.roomId().equals(s.roomId()) && e.key.slotId().equals(s.slotId()) && !present.contains(e.key)) {
                leave(e, "member left");
            }
        }
    }

    private void reconcileAll() {
        if (!stopped) {
            List.copyOf(entries.values()).forEach(this::reconcile);
        }
    }

    private Optional<BackendRef> preferred(String type) {
        return backends.values().stream().filter(b -> b.type().equals(type)).min(BackendRef.PREFERRED);
    }

    private void reconcile(Entry e) {
        Optional<Transport> transport = TransportChoice.of(e.session, e.member, Set.copyOf(selections.values()));
        Optional<BackendRef> backend = transport.flatMap(t -> preferred(t.type()));
        if (backend.isEmpty()) {
            abandon(e, "no backend for the target");
            if (e.live != null && !backends.containsKey(e.live.target.backend().serviceId())) {
                LOG.info("{}: backend {} gone with no replacement; closing until one appears", e.key,
                        e.live.target.backend());
                closeQuietly(e.live, e.key);
                e.live = null;
            } else if (e.live == null) {
                LOG.debug("{}: no focus backend for {}", e.key, transport.map(Transport::type).orElse("(no transport)"));
            }
            return;
        }
        BackendRef b = backend.get();
        Transport t = transport.get();
        if (e.live != null && e.live.target.same(b, t)) {
            abandon(e, "already connected there");
            clearFailure(e);
            return;
        }
        if (e.pending != null && e.pending.target.same(b, t)) {
            return;
        }
        if (e.failed != null && e.failed.same(b, t) && e.retry != null) {
            return; // backing off; the retry timer reconciles again
        }
        clearFailure(e);
        abandon(e, "target changed");
        connect(e, new Target(b, t));
    }

    private void connect(Entry e, Target target) {
        Attempt a = new Attempt(target, e.session);
        e.pending = a;
        LOG.info("{}: connecting through {} ({}){}", e.key, target.backend(), target.transport().type(),
                e.live == null ? "" : ", live on " + e.live.target.backend() + " until then");
        CompletionStage<FocusConnection> stage;
        try {
            stage = target.backend().backend().connect(e.session, e.member, target.transport());
        } catch (RuntimeException ex) {
            failed(e, a, ex);
            return;
        }
        a.timeout = actor.schedule(() -> timedOut(e, a), timing.connectTimeoutMs());
        stage.whenComplete((conn, err) -> actor.execute(() -> completed(e, a, conn, err)));
    }

    private void completed(Entry e, Attempt a, FocusConnection conn, Throwable err) {
        a.timeout.cancel();
        boolean current = !a.abandoned && e.pending == a && entries.get(e.key) == e && !stopped;
        if (!current) {
            if (conn != null) {
                LOG.info("{}: closing a connection through {} that completed after it was abandoned", e.key,
                        a.target.backend());
                closeQuietly(new Live(a.target, conn, a.sentSession), e.key);
            }
            return;
        }
        if (err != null || conn == null) {
            failed(e, a, err != null ? err : new IllegalStateException("connect completed without a connection"));
            return;
        }
        e.pending = null;
        e.failures = 0;
        Live old = e.live;
        e.live = new Live(a.target, conn, a.sentSession);
        LOG.info("{}: connected through {}", e.key, a.target.backend());
        if (!e.session.equals(a.sentSession)) {
            deliver(e.live, e.session, e.key);
        }
        if (old != null) {
            LOG.info("{}: closing the previous connection through {}", e.key, old.target.backend());
            closeQuietly(old, e.key);
        }
        reconcile(e); // the target may have moved while connecting
    }

    private void timedOut(Entry e, Attempt a) {
        if (e.pending == a && !a.abandoned) {
            failed(e, a, new IllegalStateException("connect did not complete in " + timing.connectTimeoutMs() + " ms"));
        }
    }

    private void failed(Entry e, Attempt a, Throwable why) {
        a.abandoned = true;
        a.timeout.cancel();
        if (e.pending == a) {
            e.pending = null;
        }
        if (entries.get(e.key) != e || stopped) {
            return;
        }
        e.failures++;
        long delay = Math.min(timing.retryMaxMs(),
                timing.retryInitialMs() << Math.min(20, e.failures - 1));
        LOG.warn("{}: connect through {} failed ({}); {}, retrying in {} ms", e.key, a.target.backend(),
                why.toString(), e.live == null ? "not connected" : "keeping " + e.live.target.backend(), delay);
        e.failed = a.target;
        if (e.retry != null) {
            e.retry.cancel();
        }
        e.retry = actor.schedule(() -> {
            e.retry = null;
            e.failed = null;
            if (entries.get(e.key) == e && !stopped) {
                reconcile(e);
            }
        }, delay);
    }

    private void clearFailure(Entry e) {
        if (e.retry != null) {
            e.retry.cancel();
            e.retry = null;
        }
        e.failed = null;
    }

    private void abandon(Entry e, String why) {
        if (e.pending != null) {
            LOG.debug("{}: abandoning the attempt through {} ({})", e.key, e.pending.target.backend(), why);
            e.pending.abandoned = true;
            e.pending.timeout.cancel();
            e.pending = null;
        }
    }

    private void leave(Entry e, String why) {
        entries.remove(e.key);
        clearFailure(e);
        abandon(e, why);
        if (e.live != null) {
            LOG.info("{}: {}; closing the connection through {}", e.key, why, e.live.target.backend());
            closeQuietly(e.live, e.key);
            e.live = null;
        }
    }

    private static void deliver(Live live, Session s, MemberKey key) {
        live.delivered = s;
        try {
            live.connection.sessionChanged(s);
        } catch (RuntimeException ex) {
            LOG.warn("{}: sessionChanged failed on {}", key, live.target.backend(), ex);
        }
    }

    private static void closeQuietly(Live live, MemberKey key) {
        try {
            live.connection.close();
        } catch (RuntimeException ex) {
            LOG.warn("{}: closing the connection through {} failed", key, live.target.backend(), ex);
        }
    }

    /** For tests and the admin view: the backend each local member is connected through. */
    CompletionStage<Map<String, String>> snapshot() {
        CompletableFuture<Map<String, String>> out = new CompletableFuture<>();
        actor.execute(() -> {
            Map<String, String> m = new LinkedHashMap<>();
            entries.forEach((k, e) -> m.put(k.toString(), e.live == null ? "-" : e.live.target.backend().toString()));
            out.complete(m);
        });
        return out;
    }
}
