package dev.mxrtc.focus.runtime;

/**
 * The single thread that owns the focus runtime's state, and its timer: every task runs on it, in order.
 * Injected so that unit tests run tasks and move time by hand ({@code ManualActor}) instead of sleeping.
 */
interface Actor {

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Runs the task on the actor, after the tasks already queued. */
    void execute(Runnable task);

    /**
     * @param task what to run on the actor
     * @param delayMs how long from now
     */
    Cancellable schedule(Runnable task, long delayMs);

    /** Stops running tasks; idempotent. */
    void shutdown();
}
