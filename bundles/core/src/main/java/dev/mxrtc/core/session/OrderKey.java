package dev.mxrtc.core.session;

import java.util.Comparator;

/**
 * Position of a member in its session: ascending {@code createdTs}, ties in matrix-js-sdk's collection
 * order (sticky events first, then state events, each in map insertion order). js-sdk sorts the collected
 * list with a stable sort by {@code createdTs()}, which is exactly this order.
 */
public record OrderKey(long createdTs, int tier, long seq) implements Comparable<OrderKey> {

    public static final int STICKY = 0;
    public static final int LEGACY = 1;

    private static final Comparator<OrderKey> ORDER = Comparator.comparingLong(OrderKey::createdTs)
            .thenComparingInt(OrderKey::tier).thenComparingLong(OrderKey::seq);

    @Override
    public int compareTo(OrderKey other) {
        return ORDER.compare(this, other);
    }
}
