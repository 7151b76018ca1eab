package dev.mxrtc.core.runtime;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock and scheduler tests move by hand: nothing sleeps, timers run when time is advanced past them. */
public final class ManualTime implements InstantSource, Scheduler {

    private record Task(long at, Runnable run, boolean[] cancelled) {
    }

    private long now;
    private final List<Task> tasks = new ArrayList<>();

    public ManualTime(long start) {
        now = start;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(now);
    }

    @Override
    public long millis() {
        return now;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + Math.max(0, delayMs), task, cancelled));
        return () -> cancelled[0] = true;
    }

    public int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled[0]).count();
    }

    /** Moves time forward, running every due task at its time. */
    public void advance(long ms) {
        long target = now + ms;
        while (true) {
            Task next = tasks.stream().filter(t -> !t.cancelled[0] && t.at <= target)
                    .min(Comparator.comparingLong(Task::at)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.at);
            next.run.run();
        }
        now = target;
    }
}
