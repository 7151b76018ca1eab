package dev.mxrtc.homeserver.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Long polls wake only for changes their user can see (or changes anyone can see), and never miss one. */
@Timeout(10)
class StreamNotifierTest {
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void aChangeForAnotherUserDoesNotWakeTheWait() throws Exception {
        StreamNotifier n = new StreamNotifier();
        n.advance(5, Optional.empty());
        CompletableFuture<Long> waited = waitAsync(n, "@a:x", 5);
        Thread.sleep(50);
        n.advance(6, Optional.of(Set.of("@b:x")));
        long took = waited.get(5, TimeUnit.SECONDS);
        assertTrue(took >= WAIT_NANOS, "woke after " + took / 1_000_000 + " ms, before its deadline");
    }

    @Test
    void aChangeForTheUserOrForAnyoneWakesTheWait() throws Exception {
        StreamNotifier n = new StreamNotifier();
        CompletableFuture<Long> targeted = waitAsync(n, "@a:x", 0);
        Thread.sleep(50);
        n.advance(1, Optional.of(Set.of("@a:x", "@c:x")));
        assertTrue(targeted.get(5, TimeUnit.SECONDS) < WAIT_NANOS);

        CompletableFuture<Long> broadcast = waitAsync(n, "@a:x", 1);
        Thread.sleep(50);
        n.advance(2, Optional.empty());
        assertTrue(broadcast.get(5, TimeUnit.SECONDS) < WAIT_NANOS);
    }

    @Test
    void aChangeBetweenComputeAndWaitIsNotMissed() throws Exception {
        StreamNotifier n = new StreamNotifier();
        n.advance(3, Optional.empty());
        // the sync computed at 3; a to-device message for @a lands at 4 before the wait starts
        n.advance(4, Optional.of(Set.of("@a:x")));
        long t = System.nanoTime();
        assertEquals(4, n.awaitBeyond("@a:x", 3, t + WAIT_NANOS));
        assertTrue(System.nanoTime() - t < WAIT_NANOS);
    }

    /** @return how long the wait took, in nanoseconds */
    private static CompletableFuture<Long> waitAsync(StreamNotifier n, String user, long after) {
        return CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            try {
                n.awaitBeyond(user, after, t + WAIT_NANOS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t;
        });
    }
}
