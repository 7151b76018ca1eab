package dev.mxrtc.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rescue of a stuck stop. The race itself (libwebrtc's worker thread starting recording between the two halves
 * of our stop) cannot be triggered on demand, so the stop here is a stand-in with the same shape as the native hang
 * seen in gdb: the first call waits until another call clears the flag (the old capture thread ends only when
 * {@code recording_} is cleared again), bounded so that the test cannot hang.
 */
@Timeout(30)
class RecordingStopperTest {

    @Test
    void aStopThatHangsIsReleasedByStoppingAgain() throws Exception {
        CountDownLatch cleared = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RecordingStopper s = new RecordingStopper(() -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    assertTrue(cleared.await(20, TimeUnit.SECONDS), "first stop released");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                cleared.countDown();
            }
        }, 100, () -> {
            throw new AssertionError("gave up");
        });
        CountDownLatch then = new CountDownLatch(1);
        long t0 = System.nanoTime();
        s.stop(then::countDown);
        assertTrue(then.await(20, TimeUnit.SECONDS), "the follow-up ran after the rescued stop");
        assertEquals(2, calls.get(), "one stop and one rescue");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100), "rescue waited its delay");
        s.close();
    }

    @Test
    void aStopThatStaysStuckGivesUp() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch gaveUp = new CountDownLatch(1);
        RecordingStopper s = new RecordingStopper(() -> {
            calls.incrementAndGet();
            try {
                released.await(20, TimeUnit.SECONDS); // every call wedged, as in the runs where the rescue failed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 50, gaveUp::countDown);
        CountDownLatch then = new CountDownLatch(1);
        s.stop(then::countDown);
        assertTrue(gaveUp.await(10, TimeUnit.SECONDS), "gave up");
        assertEquals(4, calls.get(), "the stop and three rescues before giving up");
        released.countDown();
        assertTrue(then.await(10, TimeUnit.SECONDS));
        s.close();
    }

    @Test
    void aStopThatReturnsIsNotRepeated() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RecordingStopper s = new RecordingStopper(calls::incrementAndGet, 50, () -> {
            throw new AssertionError("gave up");
        });
        CountDownLatch then = new CountDownLatch(2);
        s.stop(then::countDown);
        s.stop(then::countDown);
        assertTrue(then.await(10, TimeUnit.SECONDS));
        s.close();
        // longer than the rescue delay: a rescuer left running would have called again
        Thread.sleep(200);
        assertEquals(2, calls.get(), "two stops, no rescue");
    }
}
