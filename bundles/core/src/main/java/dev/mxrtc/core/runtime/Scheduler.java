package dev.mxrtc.core.runtime;

/** Runs a task later, on the service's actor. Injected so tests drive time by hand instead of sleeping. */
@FunctionalInterface
public interface Scheduler {

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /**
     * @param task what to run (on the actor)
     * @param delayMs how long from now; 0 or less = as soon as possible
     */
    Cancellable schedule(Runnable task, long delayMs);
}
