package dev.mxrtc.membership.manager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An {@link Actor} driven by hand: tasks run on the test thread when time is advanced (no sleeping). */
final class ManualActor implements Actor {

    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {
    }

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long seq;
    private boolean shutdown;

    ManualActor(long start) {
        this.now = start;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        boolean[] cancelled = new boolean[1];
        if (!shutdown) {
            tasks.add(new Task(now + Math.max(0, delayMs), seq++, task, cancelled));
        }
        return () -> cancelled[0] = true;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    /** Runs every task due within {@code ms} from now, in time order, moving the clock along. */
    void advance(long ms) {
        long until = now + ms;
        while (true) {
            Task next = tasks.stream().filter(t -> !t.cancelled()[0] && t.at() <= until)
                    .min(Comparator.comparingLong(Task::at).thenComparingLong(Task::seq)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.at());
            next.run().run();
        }
        now = until;
    }

    /** @return the time of the next pending task, or -1 */
    long nextAt() {
        return tasks.stream().filter(t -> !t.cancelled()[0]).mapToLong(Task::at).min().orElse(-1);
    }
}
