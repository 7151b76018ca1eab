package dev.mxrtc.focus.fullmesh.internal;

/**
 * The one thread that owns a mesh's state, and its clock and timers (injected, so tests drive time by hand).
 */
interface Actor extends AutoCloseable {

    /** Runs {@code task} on the actor, after what is queued. */
    void execute(Runnable task);

    /** Runs {@code task} on the actor after {@code delayMs}; the handle cancels it. */
    Cancellable schedule(Runnable task, long delayMs);

    /** @return milliseconds of a monotonic clock */
    long nowMs();

    /** Stops the actor; queued work is dropped. */
    @Override
    void close();

    interface Cancellable {
        void cancel();
    }
}
