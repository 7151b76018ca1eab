package dev.mxrtc.bench.homeserver;

import java.util.Arrays;

/** Latency samples in nanoseconds, read as percentiles (nearest rank) in milliseconds. */
final class Latencies {
    private final long[] sorted;

    Latencies(long[] samplesNanos) {
        this.sorted = samplesNanos.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** @param p in (0, 100]; NaN when there are no samples */
    double percentileMs(double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double maxMs() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }
}
