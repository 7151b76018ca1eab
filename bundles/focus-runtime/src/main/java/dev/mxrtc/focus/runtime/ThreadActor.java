package dev.mxrtc.focus.runtime;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link Actor}: one daemon thread. Tasks submitted after {@link #shutdown()} are dropped. */
final class ThreadActor implements Actor {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadActor.class);

    private final ScheduledExecutorService executor;

    ThreadActor(String name) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("focus runtime stopped; task dropped");
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        try {
            ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.debug("focus runtime stopped; timer dropped");
            return () -> { };
        }
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }

    /** @return whether the thread finished its queued tasks in time */
    boolean awaitTermination(long timeoutMs) throws InterruptedException {
        return executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("focus runtime task failed", e);
            }
        };
    }
}
