package dev.mxrtc.media.supervisor;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.WorkerListener;
import dev.mxrtc.media.WorkerStatus;
import dev.mxrtc.media.ipc.Command;
import dev.mxrtc.media.ipc.Event;

/**
 * Runs the media worker JVM and keeps it running: restarts it after a crash (a native abort, SIGKILL, a hang that
 * stops pongs) with backoff, and re-creates every open peer in the new process. Usable without OSGi.
 *
 * <pre>
 *             start()              ready
 *   STOPPED ─────────▶ STARTING ───────────▶ RUNNING
 *                        ▲   │ exit / no ready     │ exit / no pong
 *                 timer  │   ▼                     ▼
 *                        └─ BACKOFF ◀──────────────┘
 *   any ── close() ──▶ CLOSED   (dispose sent, process reaped or killed)
 * </pre>
 *
 * One actor thread owns all state; process readers and API calls hand it work. Listeners are called on it.
 */
public final class MediaSupervisor implements MediaEngine, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MediaSupervisor.class);

    enum State { STOPPED, STARTING, RUNNING, BACKOFF, CLOSED }

    /** Timings; {@code backoff[i]} is the wait before the (i+1)th consecutive restart, the last one repeats. */
    public record Settings(List<Duration> backoff, Duration stableAfter, Duration readyTimeout, Duration pingInterval,
            Duration pingTimeout) {
        public Settings {
            backoff = List.copyOf(backoff);
            if (backoff.isEmpty()) {
                throw new IllegalArgumentException("backoff needs at least one delay");
            }
        }

        public static Settings defaults() {
            return new Settings(List.of(Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(2),
                    Duration.ofSeconds(5)), Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2),
                    Duration.ofSeconds(6));
        }
    }

    private final WorkerLaunch launch;
    private final Settings settings;
    private final ScheduledExecutorService actor;
    private final List<WorkerListener> workerListeners = new CopyOnWriteArrayList<>();
    // actor-owned
    private final Map<String, SupervisedPeer> peers = new LinkedHashMap<>();
    private State state = State.STOPPED;
    private WorkerProcess process;
    private int restarts;
    private int consecutiveFailures;
    private long pingSeq;
    private long lastPongNanos;
    private ScheduledFuture<?> timer;
    private volatile WorkerStatus status = new WorkerStatus(false, -1, 0);
    private volatile Thread actorThread;

    public MediaSupervisor(WorkerLaunch launch, Settings settings) {
        this.launch = launch;
        this.settings = settings;
        this.actor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "media-supervisor");
            t.setDaemon(true);
            actorThread = t;
            return t;
        });
    }

    /** Starts the worker (idempotent). */
    public void start() {
        run(() -> {
            if (state == State.STOPPED) {
                spawn();
            }
        });
    }

    @Override
    public Peer createPeer(String id, PeerRole role, PeerListener listener) {
        return createPeer(id, role, true, listener);
    }

    @Override
    public Peer createPeer(String id, PeerRole role, boolean audio, PeerListener listener) {
        return createPeer(id, role, new MediaOptions(audio, false), listener);
    }

    @Override
    public Peer createPeer(String id, PeerRole role, MediaOptions media, PeerListener listener) {
        SupervisedPeer p = new SupervisedPeer(this, id, role, java.util.Objects.requireNonNull(media, "media"),
                listener);
        Runnable add = () -> {
            if (state == State.CLOSED) {
                throw new IllegalStateException("media engine closed");
            }
            if (peers.containsKey(id)) {
                throw new IllegalArgumentException("peer " + id + " exists");
            }
            peers.put(id, p);
            if (state == State.RUNNING) {
                p.create();
            }
        };
        if (Thread.currentThread() == actorThread) {
            add.run(); // called from a listener
            return p;
        }
        try {
            actor.submit(add).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException | RejectedExecutionException e) {
            throw new IllegalStateException("media engine not available", e);
        }
        return p;
    }

    @Override
    public void addWorkerListener(WorkerListener listener) {
        workerListeners.add(listener);
    }

    @Override
    public void removeWorkerListener(WorkerListener listener) {
        workerListeners.remove(listener);
    }

    @Override
    public WorkerStatus status() {
        return status;
    }

    // ---- called by SupervisedPeer, on the actor

    void run(Runnable r) {
        try {
            actor.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("media supervisor task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("media supervisor closed; dropping a task");
        }
    }

    /** Sends when running; false when there is no worker to take it right now. */
    boolean send(Command c) {
        if (state != State.RUNNING || process == null) {
            return false;
        }
        if (!process.send(c)) {
            process.kill();
            return false;
        }
        return true;
    }

    boolean running() {
        return state == State.RUNNING;
    }

    void removed(SupervisedPeer p) {
        peers.remove(p.id(), p);
    }

    // ---- process lifecycle, on the actor

    private void spawn() {
        state = State.STARTING;
        try {
            WorkerProcess[] self = new WorkerProcess[1];
            self[0] = WorkerProcess.start(launch, e -> run(() -> onEvent(self[0], e)),
                    () -> run(() -> onExit(self[0])));
            process = self[0];
            LOG.info("media worker started, pid {}", process.pid());
            schedule(settings.readyTimeout(), () -> {
                if (state == State.STARTING && process == self[0]) {
                    LOG.warn("media worker {} not ready after {}; killing it", self[0].pid(), settings.readyTimeout());
                    self[0].kill();
                }
            });
        } catch (IOException e) {
            LOG.error("cannot start the media worker ({}): {}", launch.java(), e.getMessage());
            process = null;
            backoff();
        }
    }

    private void onEvent(WorkerProcess from, Event e) {
        if (from != process || state == State.CLOSED) {
            return;
        }
        switch (e) {
            case Event.Ready r -> onReady(r);
            case Event.Pong p -> lastPongNanos = System.nanoTime();
            case Event.Error err when err.peer() == null ->
                LOG.warn("media worker {}: {} failed: {}", from.pid(), err.op(), err.message());
            case Event.Error err -> deliver(err.peer(), err.gen(), p -> p.onError(err.op(), err.message()));
            case Event.PeerEvent pe -> deliver(pe.peer(), pe.gen(), p -> p.onEvent(pe));
        }
    }

    private void deliver(String peer, int gen, java.util.function.Consumer<SupervisedPeer> to) {
        SupervisedPeer p = peers.get(peer);
        if (p != null && p.gen() == gen) {
            to.accept(p);
        }
    }

    private void onReady(Event.Ready r) {
        state = State.RUNNING;
        lastPongNanos = System.nanoTime();
        status = new WorkerStatus(true, process.pid(), restarts);
        LOG.info("media worker {} ready{}", r.pid(), restarts > 0 ? " after restart " + restarts : "");
        List<String> ids = new ArrayList<>(peers.keySet());
        for (SupervisedPeer p : List.copyOf(peers.values())) {
            p.recreate(restarts > 0);
        }
        if (restarts > 0) {
            WorkerStatus s = status;
            for (WorkerListener l : workerListeners) {
                try {
                    l.onWorkerRestarted(List.copyOf(ids), s);
                } catch (RuntimeException ex) {
                    LOG.warn("worker listener failed", ex);
                }
            }
        }
        schedulePing(process);
    }

    private void schedulePing(WorkerProcess w) {
        schedule(settings.pingInterval(), () -> {
            if (process != w || state != State.RUNNING) {
                return;
            }
            long silentFor = System.nanoTime() - lastPongNanos;
            if (silentFor > settings.pingTimeout().toNanos()) {
                LOG.warn("media worker {} stopped answering pings; killing it", w.pid());
                w.kill();
                return;
            }
            send(new Command.Ping(++pingSeq));
            schedulePing(w);
        });
    }

    private void onExit(WorkerProcess w) {
        if (w != process) {
            return;
        }
        process = null;
        status = new WorkerStatus(false, -1, restarts);
        if (state == State.CLOSED) {
            return;
        }
        LOG.warn("media worker {} exited with {} after {} ms; {} peers to re-establish", w.pid(), w.exitCode(),
                w.uptimeMillis(), peers.size());
        if (w.uptimeMillis() > settings.stableAfter().toMillis()) {
            consecutiveFailures = 0;
        }
        backoff();
    }

    private void backoff() {
        state = State.BACKOFF;
        List<Duration> b = settings.backoff();
        Duration wait = b.get(Math.min(consecutiveFailures, b.size() - 1));
        consecutiveFailures++;
        restarts++;
        status = new WorkerStatus(false, -1, restarts);
        schedule(wait, () -> {
            if (state == State.BACKOFF) {
                spawn();
            }
        });
    }

    private void schedule(Duration d, Runnable r) {
        try {
            timer = actor.schedule(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("media supervisor timer failed", e);
                }
            }, d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("media supervisor closed; timer dropped");
        }
    }

    /** Closes every peer, asks the worker to exit (kills it after 5 s), stops the actor. Idempotent. */
    @Override
    public void close() {
        WorkerProcess[] w = new WorkerProcess[1];
        try {
            actor.submit(() -> {
                if (state == State.CLOSED) {
                    return;
                }
                state = State.CLOSED;
                if (timer != null) {
                    timer.cancel(false);
                }
                peers.clear();
                w[0] = process;
                if (process != null) {
                    process.requestExit();
                }
                process = null;
                status = new WorkerStatus(false, -1, restarts);
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("media supervisor close: {}", e.toString());
        }
        actor.shutdownNow();
        if (w[0] != null) {
            try {
                if (!w[0].awaitExit(5_000)) {
                    LOG.warn("media worker {} did not exit; killing it", w[0].pid());
                    w[0].kill();
                    w[0].awaitExit(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                w[0].kill();
            }
        }
    }
}
