package dev.mxrtc.frame.impl;

/**
 * Sliding replay window over unsigned 64-bit counters, like SRTP's (RFC 3711 §3.3.2): remembers which of the
 * {@code size} counters up to the highest accepted one were seen. Not thread-safe: its owner's lock guards it.
 */
final class ReplayWindow {

    private final int size;
    private final long[] seen;
    private boolean any;
    private long top;

    ReplayWindow(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("replay window must be >= 0");
        }
        this.size = size;
        this.seen = new long[(size + 63) / 64];
    }

    /** True if {@code ctr} is new: above the top, or inside the window and not yet seen. */
    boolean isFresh(long ctr) {
        if (size == 0 || !any || Long.compareUnsigned(ctr, top) > 0) {
            return true;
        }
        long behind = top - ctr;
        if (Long.compareUnsigned(behind, size) >= 0) {
            return false;
        }
        return !get(slot(ctr));
    }

    /** Records {@code ctr} as accepted; call only after {@link #isFresh} and successful authentication. */
    void accept(long ctr) {
        if (size == 0) {
            return;
        }
        if (!any) {
            any = true;
            top = ctr;
        } else if (Long.compareUnsigned(ctr, top) > 0) {
            long ahead = ctr - top;
            if (Long.compareUnsigned(ahead, size) >= 0) {
                java.util.Arrays.fill(seen, 0L);
            } else {
                for (long c = top + 1; c != ctr; c++) {
                    clear(slot(c));
                }
            }
            top = ctr;
        }
        set(slot(ctr));
    }

    private int slot(long ctr) {
        return (int) Long.remainderUnsigned(ctr, size);
    }

    private boolean get(int i) {
        return (seen[i >>> 6] & (1L << i)) != 0;
    }

    private void set(int i) {
        seen[i >>> 6] |= 1L << i;
    }

    private void clear(int i) {
        seen[i >>> 6] &= ~(1L << i);
    }
}
