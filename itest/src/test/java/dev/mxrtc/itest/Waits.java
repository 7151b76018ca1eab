package dev.mxrtc.itest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling: a condition that never holds fails the test instead of hanging it. */
final class Waits {

    private Waits() {
    }

    /** @return the milliseconds it took for {@code condition} to hold; throws AssertionError after {@code max} */
    static long until(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        return until(what, max, Duration.ofMillis(2), condition);
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, checking every {@code poll} (for costly checks). */
    static long until(String what, Duration max, Duration poll, BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(poll.toMillis());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
