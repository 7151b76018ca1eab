package dev.mxrtc.homeserver.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes long-polling {@code /sync} requests when the stream advances: only those of the users who can see the change
 * (a room's members, a to-device recipient), or all of them for a change without a declared audience. Independent of
 * the database lock; one lock guards all fields.
 *
 * <p>Waking only the audience matters under load: with 200 users long-polling, a room message used to wake all 200,
 * each running a full {@code /sync} transaction under the database lock to find nothing new.
 */
public final class StreamNotifier {
    private final ReentrantLock lock = new ReentrantLock();
    /** Users with a waiting request: their condition and how many wait on it. */
    private final Map<String, Waiters> waiting = new HashMap<>();
    /** The last position each user was named in the audience of (kept: a change may land between compute and wait). */
    private final Map<String, Long> lastFor = new HashMap<>();
    private long position;
    /** The last position that anyone may see. */
    private long broadcast;

    private static final class Waiters {
        final Condition condition;
        int count;

        Waiters(Condition condition) {
            this.condition = condition;
        }
    }

    /** The stream reached {@code to}; {@code audience} empty means anyone may see the change. */
    public void advance(long to, Optional<Set<String>> audience) {
        lock.lock();
        try {
            if (to <= position) return;
            position = to;
            if (audience.isEmpty()) {
                broadcast = to;
                waiting.values().forEach(w -> w.condition.signalAll());
                return;
            }
            for (String user : audience.get()) {
                lastFor.put(user, to);
                Waiters w = waiting.get(user);
                if (w != null) w.condition.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the stream holds something {@code userId} may see past {@code after}, or the deadline
     * (epoch-independent nanoTime) passes.
     *
     * @return the stream position
     */
    public long awaitBeyond(String userId, long after, long deadlineNanos) throws InterruptedException {
        lock.lock();
        Waiters mine = null;
        try {
            while (Math.max(broadcast, lastFor.getOrDefault(userId, 0L)) <= after) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) break;
                if (mine == null) {
                    mine = waiting.computeIfAbsent(userId, u -> new Waiters(lock.newCondition()));
                    mine.count++;
                }
                mine.condition.await(left, TimeUnit.NANOSECONDS);
            }
            return position;
        } finally {
            if (mine != null && --mine.count == 0) waiting.remove(userId);
            lock.unlock();
        }
    }

    /** How many requests of {@code userId} are waiting right now (tests and diagnostics). */
    public int waiting(String userId) {
        lock.lock();
        try {
            Waiters w = waiting.get(userId);
            return w == null ? 0 : w.count;
        } finally {
            lock.unlock();
        }
    }
}
