package dev.mxrtc.focus.fullmesh.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An {@link Actor} on one daemon thread of its own. */
final class ThreadActor implements Actor {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadActor.class);

    private final ScheduledThreadPoolExecutor executor;

    ThreadActor(String name) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guard(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("actor closed; dropping a task");
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        try {
            ScheduledFuture<?> f = executor.schedule(guard(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    @Override
    public long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("full-mesh task failed", e);
            }
        };
    }
}
