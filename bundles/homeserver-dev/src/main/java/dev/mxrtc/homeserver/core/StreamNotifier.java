package dev.mxrtc.homeserver.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Wakes long-polling {@code /sync} requests when the stream advances. Independent of the database lock. */
public final class StreamNotifier {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private long position;

    public void advance(long to) {
        lock.lock();
        try {
            if (to > position) {
                position = to;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the stream is past {@code after} or the deadline (epoch-independent nanoTime) passes. */
    public long awaitBeyond(long after, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (position <= after) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) break;
                advanced.await(left, TimeUnit.NANOSECONDS);
            }
            return position;
        } finally {
            lock.unlock();
        }
    }
}
