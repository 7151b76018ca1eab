package dev.mxrtc.matrix.okhttp;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits a random time in [d/2, d] with d = min(max, initial * 2^n).
 * The random source is injected so tests can pin it.
 */
record Backoff(long initialMs, long maxMs, DoubleSupplier random) {

    Backoff {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff " + initialMs + " ... " + maxMs);
        }
    }

    /** @param attempt 0 for the first retry */
    long delayMs(int attempt) {
        int shift = Math.min(Math.max(attempt, 0), 30);
        long d = Math.min(maxMs, initialMs << shift);
        if (d < 0) {
            d = maxMs;
        }
        return d / 2 + (long) (random.getAsDouble() * (d - d / 2));
    }
}
