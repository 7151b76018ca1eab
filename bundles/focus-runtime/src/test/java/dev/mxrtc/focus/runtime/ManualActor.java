package dev.mxrtc.focus.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;

/** An {@link Actor} the test drives by hand: tasks run only in {@link #runAll()}, time moves only in {@link #advance}. */
final class ManualActor implements Actor {

    private static final class Timer {
        final long due;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Timer(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }
    }

    private final Queue<Runnable> queue = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();
    private long now;
    private long seq;
    private boolean shutdown;

    @Override
    public synchronized void execute(Runnable task) {
        if (!shutdown) {
            queue.add(task);
        }
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
        Timer t = new Timer(now + Math.max(0, delayMs), seq++, task);
        timers.add(t);
        return () -> t.cancelled = true;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    /** Runs queued tasks (and what they queue) until none is left. */
    void runAll() {
        for (int guard = 0; guard < 100_000; guard++) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
        throw new AssertionError("the actor never became idle");
    }

    /** Moves time forward, firing due timers in order, and runs what they queue. */
    void advance(long ms) {
        long until = now + ms;
        runAll();
        while (true) {
            Timer due;
            synchronized (this) {
                due = timers.stream().filter(t -> !t.cancelled && t.due <= until)
                        .min(Comparator.<Timer>comparingLong(t -> t.due).thenComparingLong(t -> t.seq)).orElse(null);
                if (due == null) {
                    now = until;
                    break;
                }
                timers.remove(due);
                now = due.due;
            }
            due.task.run();
            runAll();
        }
    }

    synchronized long pendingTimers() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }
}
