package dev.mxrtc.membership.manager;

/**
 * The single thread that owns one participation's state, and its clock: every task runs on it, in order.
 * Injected so that unit tests drive time by hand ({@code ManualActor}) instead of sleeping.
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
     * @param delayMs how long from now; 0 or less: as soon as possible
     */
    Cancellable schedule(Runnable task, long delayMs);

    /** @return the actor's clock, ms since the epoch */
    long now();

    /** Stops running tasks; idempotent. Called from the actor itself once the participation is over. */
    void shutdown();
}
