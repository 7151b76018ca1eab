package dev.mxrtc.media.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerRole;

/**
 * Frames the application pushes ({@link Peer#publishVideoFrame}) between two engines (two supervised worker JVMs) in
 * this test's network namespace: A pushes red, then green, at 12.5 fps and 320x240; B's video reports and decoded
 * frames show red, then green, at that size. Wrong-sized and oversize frames are refused at the API and the call goes
 * on; after SIGKILL of A's worker the frames A keeps pushing arrive again. A second test holds the supervisor's actor
 * busy to show that no more than {@link Peer#MAX_PUSHED_FRAMES_IN_FLIGHT} frames queue per peer.
 */
@Timeout(90)
class PushedVideoTest {

    private static final int RED = 0xD02828;
    private static final int GREEN = 0x28C040;
    private static final int TOLERANCE = 20;
    private static final int W = 320;
    private static final int H = 240;

    @Test
    void pushedFramesArriveInOrderAtTheirSizeAndBadFramesAreRefused() throws Exception {
        ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor();
        try (MediaSupervisor a = Recorder.engine(); MediaSupervisor b = Recorder.engine()) {
            Recorder.startAll(a, b);
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            Peer pb = b.createPeer("alice", PeerRole.ANSWERER, MediaOptions.AUDIO_VIDEO, rb);
            ra.remote.set(pb);
            Peer pa = a.createPeer("bob", PeerRole.OFFERER, MediaOptions.AUDIO_VIDEO, ra);
            rb.remote.set(pa);
            pb.receiveVideoFrames(5);
            AtomicInteger colour = new AtomicInteger(RED);
            AtomicInteger pushed = new AtomicInteger();
            pusher.scheduleAtFixedRate(() -> {
                pa.publishVideoFrame(solid(W, H, colour.get()));
                pushed.incrementAndGet();
            }, 0, 80, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();

            Recorder.await(Duration.ofSeconds(20), () -> rb.saw(0, RED, W, H, TOLERANCE) >= 0, "B sees red at 320x240");
            int red = rb.saw(0, RED, W, H, TOLERANCE);
            System.out.printf("pushed-video-first: %d ms from createPeer to red measured at B%n",
                    (rb.at(red).nanos() - t0) / 1_000_000);
            Thread.sleep(1_000); // red for a second
            int beforeGreen = rb.size();
            colour.set(GREEN);
            long tg = System.nanoTime();
            Recorder.await(Duration.ofSeconds(10), () -> rb.video(beforeGreen, GREEN, W, H, TOLERANCE) >= 0,
                    "B sees green after red");
            int green = rb.video(beforeGreen, GREEN, W, H, TOLERANCE);
            assertTrue(red < green);
            System.out.printf("pushed-video-switch: %d ms from the first green push to green measured at B (%.1f fps"
                    + " measured)%n", (rb.at(green).nanos() - tg) / 1_000_000,
                    ((dev.mxrtc.media.VideoLevel) rb.at(green).event()).fps());
            int f = rb.size();
            Recorder.await(Duration.ofSeconds(10), () -> rb.find(f, e -> e instanceof I420Frame x
                    && x.width() == W && x.height() == H && distance(x.rgbAt(W / 2, H / 2), GREEN) <= TOLERANCE) >= 0,
                    "a decoded green 320x240 frame");

            // wrong size for the data, and too large: refused at the API with a clear message
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> pa.publishVideoFrame(new I420Frame(W, H, 0, new byte[W * H])));
            assertTrue(wrong.getMessage().contains("needs"), wrong.getMessage());
            IllegalArgumentException large = assertThrows(IllegalArgumentException.class,
                    () -> pa.publishVideoFrame(solid(1920, 1080, GREEN)));
            assertTrue(large.getMessage().contains("1280x720"), large.getMessage());
            // nothing crashed: the same workers, no errors, green still flowing
            long pidA = a.status().pid();
            assertEquals(0, a.status().restarts());
            assertEquals(0, b.status().restarts());
            int g = rb.size();
            Recorder.await(Duration.ofSeconds(10), () -> rb.video(g, GREEN, W, H, TOLERANCE) >= 0,
                    "green still arrives");
            assertEquals(-1, ra.find(0, e -> e instanceof Recorder.Err), "no errors at A");
            assertEquals(-1, rb.find(0, e -> e instanceof Recorder.Err), "no errors at B");

            // SIGKILL A's worker: the re-created peer has video, and the frames A keeps pushing arrive again
            int ib = rb.size();
            long tk = System.nanoTime();
            assertTrue(ProcessHandle.of(pidA).orElseThrow().destroyForcibly());
            Recorder.await(Duration.ofSeconds(25), () -> rb.saw(ib, GREEN, W, H, TOLERANCE) >= 0,
                    "green back at B after SIGKILL of A's worker");
            System.out.printf("pushed-video-recovery: %d ms (SIGKILL to green measured again at B); %d frames"
                    + " pushed, %d dropped%n", (rb.at(rb.saw(ib, GREEN, W, H, TOLERANCE)).nanos() - tk) / 1_000_000,
                    pushed.get(), ((SupervisedPeer) pa).pushedFramesDropped());
            assertTrue(a.status().restarts() >= 1);
        } finally {
            pusher.shutdownNow();
            assertTrue(pusher.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void atMostAFewFramesWaitPerPeer() throws Exception {
        try (MediaSupervisor a = Recorder.engine()) {
            Recorder.startAll(a);
            Peer pa = a.createPeer("bob", PeerRole.OFFERER, MediaOptions.AUDIO_VIDEO, new Recorder());
            // the supervisor's actor is held busy (as when the worker's stdin pipe is full), so nothing is written
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            a.run(() -> {
                busy.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(busy.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 10; i++) {
                pa.publishVideoFrame(solid(W, H, RED));
            }
            assertEquals(10 - Peer.MAX_PUSHED_FRAMES_IN_FLIGHT, ((SupervisedPeer) pa).pushedFramesDropped());
            release.countDown();
            // once written, there is room again
            CountDownLatch drained = new CountDownLatch(1);
            a.run(drained::countDown);
            assertTrue(drained.await(10, TimeUnit.SECONDS));
            pa.publishVideoFrame(solid(W, H, RED));
            assertEquals(10 - Peer.MAX_PUSHED_FRAMES_IN_FLIGHT, ((SupervisedPeer) pa).pushedFramesDropped());
            pa.close();
        }
    }

    /** A solid-colour I420 frame (BT.601 limited range). */
    static I420Frame solid(int w, int h, int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        byte y = (byte) Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
        byte u = (byte) Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        byte v = (byte) Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        byte[] data = new byte[I420Frame.size(w, h)];
        java.util.Arrays.fill(data, 0, w * h, y);
        java.util.Arrays.fill(data, w * h, w * h + cw * ch, u);
        java.util.Arrays.fill(data, w * h + cw * ch, data.length, v);
        return new I420Frame(w, h, 0, data);
    }

    private static int distance(int rgb, int expected) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((rgb >> shift) & 0xFF) - ((expected >> shift) & 0xFF)));
        }
        return d;
    }
}
