package dev.mxrtc.media.worker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one thread that calls {@code HeadlessAudioDeviceModule.stopRecording()}, so that a stuck call never blocks the
 * worker's actor (which answers pings) and is noticed and released.
 *
 * <p>Why it can get stuck (seen with gdb on a hung worker, see docs/media.md): webrtc-java 0.14.0's headless module
 * is not safe to start and stop from two threads. {@code StopRecording} clears {@code recording_} under its mutex,
 * then joins the capture thread outside it. libwebrtc's own worker thread calls {@code StartRecording} whenever an
 * audio send stream starts (a peer's transport became writable). If that lands between the two steps, it sets
 * {@code recording_} again and spawns a second capture thread; the old capture thread, which loops while
 * {@code recording_} is set, never ends, and both our thread and libwebrtc's worker thread (assigning the new thread
 * joins the old one) wait in {@code pthread_join} on it for ever.
 *
 * <p>What we do: (1) the worker calls this only when no audio peer is coming up (both descriptions applied, not
 * connected, for at most 3 s; see MediaWorker#connected), which is when libwebrtc starts send streams, so the race
 * needs a send stream starting long after its peer connected, or after more than 3 s of ICE; (2) if a stop still
 * takes longer than {@code rescueAfterMillis}, another thread
 * calls {@code stopRecording} again: that clears {@code recording_} once more, the looping capture thread ends, and
 * both joins return. The rescue is logged on stderr with its timing. It is not reliable (provoked on purpose, it
 * released the joins in some runs, stayed stuck or ended in SIGABRT in others): if the stop is still stuck after
 * {@value #RESCUES} rescues, {@code giveUp} ends the worker so that the supervisor restarts it, as the ping timeout
 * did before, only sooner.
 */
final class RecordingStopper {

    /** Rescue attempts, one every rescueAfterMillis, before giving up. */
    private static final int RESCUES = 3;

    private final Runnable stopRecording;
    private final long rescueAfterMillis;
    private final Runnable giveUp;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "media-worker-adm");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param giveUp runs on the rescue thread when the stop is still stuck after the rescues: the worker ends its
     *        process (libwebrtc's worker thread is wedged with it), and the supervisor restarts it
     */
    RecordingStopper(Runnable stopRecording, long rescueAfterMillis, Runnable giveUp) {
        this.stopRecording = stopRecording;
        this.rescueAfterMillis = rescueAfterMillis;
        this.giveUp = giveUp;
    }

    /** Stops recording on the module's thread, then runs {@code then} (on that thread). Any thread. */
    void stop(Runnable then) {
        try {
            thread.execute(() -> {
                stopReleasingAJoinThatHangs();
                then.run();
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void stopReleasingAJoinThatHangs() {
        AtomicBoolean done = new AtomicBoolean();
        long t0 = System.nanoTime();
        Thread rescuer = new Thread(() -> {
            for (int attempt = 1; attempt <= RESCUES + 1 && !done.get(); attempt++) {
                if (!sleep(rescueAfterMillis) || done.get()) {
                    return;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (attempt > RESCUES) {
                    System.err.println("media-worker: stopRecording still stuck after " + ms + " ms and " + RESCUES
                            + " rescues: giving up (the supervisor restarts the worker)");
                    giveUp.run();
                    return;
                }
                System.err.println("media-worker: stopRecording stuck for " + ms + " ms (libwebrtc restarted"
                        + " recording meanwhile): stopping again to end the old capture thread, attempt " + attempt);
                // on a thread of its own: a rescue that gets stuck too must not stop the count towards giving up
                Thread again = new Thread(() -> {
                    try {
                        stopRecording.run();
                    } catch (RuntimeException | Error e) {
                        System.err.println("media-worker: rescue stopRecording failed: " + e);
                    }
                }, "media-worker-adm-rescue-" + attempt);
                again.setDaemon(true);
                again.start();
            }
        }, "media-worker-adm-rescue");
        rescuer.setDaemon(true);
        rescuer.start();
        try {
            stopRecording.run();
        } catch (RuntimeException | Error e) {
            System.err.println("media-worker: stopRecording failed: " + e);
        } finally {
            done.set(true);
            rescuer.interrupt();
        }
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Waits for a stop in flight (bounded), then ends the thread. */
    void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
