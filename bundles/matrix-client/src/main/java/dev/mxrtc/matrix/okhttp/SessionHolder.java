package dev.mxrtc.matrix.okhttp;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixError;
import dev.mxrtc.matrix.MatrixException;

/**
 * The account's current session, owned by one lock: the sync loop sets it after login and clears it when the token
 * is rejected; API callers wait (bounded) for one.
 */
final class SessionHolder {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Session session;

    Optional<Session> current() {
        lock.lock();
        try {
            return Optional.ofNullable(session);
        } finally {
            lock.unlock();
        }
    }

    void set(Session s) {
        lock.lock();
        try {
            session = s;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Clears the session if it is still {@code expected} (a concurrent re-login is kept). */
    void invalidate(Session expected) {
        lock.lock();
        try {
            if (session == expected) {
                session = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the session, waiting up to {@code timeoutMs} for a login; throws MISSING_TOKEN if none came */
    Session await(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (session == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new MatrixException(new MatrixError(ErrorKind.MISSING_TOKEN, "M_MISSING_TOKEN",
                            "not logged in (yet)", 0, OptionalLong.empty(), OptionalLong.empty(), false));
                }
                changed.awaitNanos(left);
            }
            return session;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MatrixException(MatrixError.network("interrupted waiting for login"), e);
        } finally {
            lock.unlock();
        }
    }

    /** The access token for requests; empty if not logged in. */
    String token() {
        return current().map(Session::accessToken).orElse("");
    }
}
