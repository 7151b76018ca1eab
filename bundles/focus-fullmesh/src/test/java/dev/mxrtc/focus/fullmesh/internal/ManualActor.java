package dev.mxrtc.focus.fullmesh.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * A hand-driven clock and task queue shared by every mesh of a test: {@link #drain()} runs queued work,
 * {@link #advance(long)} moves time and fires due timers. Each mesh gets a {@link #view} whose close drops its work.
 */
final class ManualActor {

    private record Timer(long due, long seq, View view, Runnable task, boolean[] cancelled) {
    }

    private record Task(View view, Runnable task) {
    }

    private final Deque<Task> queue = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();
    private long now = 1_000;
    private long seq;

    final class View implements Actor {
        private boolean closed;

        @Override
        public void execute(Runnable task) {
            if (!closed) {
                queue.add(new Task(this, task));
            }
        }

        @Override
        public Cancellable schedule(Runnable task, long delayMs) {
            boolean[] cancelled = new boolean[1];
            timers.add(new Timer(now + Math.max(0, delayMs), seq++, this, task, cancelled));
            return () -> cancelled[0] = true;
        }

        @Override
        public long nowMs() {
            return now;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    View view(String name) {
        return new View();
    }

    /** Runs queued tasks (and zero-delay timers) until nothing is left. */
    void drain() {
        int guard = 0;
        while (true) {
            Task t = queue.poll();
            if (t == null) {
                if (!fireDue()) {
                    return;
                }
                continue;
            }
            if (++guard > 1_000_000) {
                throw new AssertionError("actor queue does not drain");
            }
            if (!t.view().closed) {
                t.task().run();
            }
        }
    }

    /** Moves time forward, firing timers in order and draining after each. */
    void advance(long ms) {
        long end = now + ms;
        drain();
        while (true) {
            Timer next = timers.stream().filter(t -> !t.cancelled()[0] && t.due() <= end)
                    .min(Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq)).orElse(null);
            if (next == null) {
                break;
            }
            now = Math.max(now, next.due());
            fireDue();
            drain();
        }
        now = end;
        drain();
    }

    long now() {
        return now;
    }

    private boolean fireDue() {
        Timer due = timers.stream().filter(t -> !t.cancelled()[0] && t.due() <= now)
                .min(Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq)).orElse(null);
        timers.removeIf(t -> t.cancelled()[0]);
        if (due == null) {
            return false;
        }
        timers.remove(due);
        if (!due.view().closed) {
            due.task().run();
        }
        return true;
    }
}
