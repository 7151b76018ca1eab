package dev.mxrtc.e2ee.schemes;

/** Time for the schemes: the current time and delayed tasks. Tests drive a manual one; nothing sleeps. */
interface Scheduler {

    long now();

    /** Runs {@code task} once after {@code delayMs}; the result cancels it if it has not run. */
    Runnable schedule(Runnable task, long delayMs);
}
