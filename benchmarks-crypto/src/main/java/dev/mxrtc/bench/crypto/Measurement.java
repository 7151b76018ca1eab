package dev.mxrtc.bench.crypto;

import java.util.List;
import java.util.Objects;

/**
 * The ops/s of one operation at one payload size: each measured iteration, and their median (the reported figure).
 *
 * @param op        {@code megolmEncrypt}, {@code megolmDecrypt}, {@code olmEncrypt} or {@code olmDecrypt}
 * @param size      the length of the {@code body} string in the event content, in bytes
 * @param opsPerSec one figure per measured iteration, in the order measured
 */
record Measurement(String op, int size, List<Double> opsPerSec) {

    Measurement {
        Objects.requireNonNull(op, "op");
        opsPerSec = List.copyOf(opsPerSec);
        if (opsPerSec.isEmpty() || size < 0) {
            throw new IllegalArgumentException("no iterations or negative size for " + op);
        }
    }

    double median() {
        double[] sorted = opsPerSec.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Lowest and highest iteration as a fraction of the median: how much the figure moved during the run. */
    String spread() {
        double min = opsPerSec.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = opsPerSec.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return String.format("%.0f–%.0f", min, max);
    }
}
