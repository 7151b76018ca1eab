package dev.mxrtc.media.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.SessionDescription;

/**
 * A peer of a worker that never connects must not silence that worker's connected peers (seen at the growing call's
 * mesh-to-SFU switch: the mesh's calls to a member who went straight to the SFU were never answered, and every
 * established mesh link of that worker went quiet for 5-7 s). Two engines, one connected pair hearing its tones; then
 * on engine A (1) an audio offerer whose offer nobody answers, (2) an audio answerer that gets an offer but no
 * candidates, so its ICE never completes. Measured: the longest run of the pair's audio reports that do not carry
 * the partner's tone, both ways. (1) can start no send stream, so the pair must not pause at all (no gap over 1 s in
 * 8 s); (2) may start one at any moment, so the worker pauses pushing, but at most for the cap (3 s) plus a report.
 */
@Timeout(120)
class StuckPeerTest {

    private static final double TONE_A = 440;
    private static final double TONE_B = 1000;
    private static final Duration WATCH = Duration.ofSeconds(8);

    @Test
    void aPeerThatNeverConnectsDoesNotSilenceTheConnectedOnes() throws Exception {
        try (MediaSupervisor a = Recorder.engine(); MediaSupervisor b = Recorder.engine()) {
            Recorder.startAll(a, b);
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            Peer pb = b.createPeer("pair", PeerRole.ANSWERER, rb);
            ra.remote.set(pb);
            Peer pa = a.createPeer("pair", PeerRole.OFFERER, ra);
            rb.remote.set(pa);
            pa.publishTone(TONE_A);
            pb.publishTone(TONE_B);
            Recorder.await(Duration.ofSeconds(25), () -> ra.heard(0, TONE_B) >= 0 && rb.heard(0, TONE_A) >= 0,
                    "the pair hears both tones");
            // let the pair settle into steady hearing before the stuck peer comes
            Recorder.await(Duration.ofSeconds(5), () -> reportsSince(ra, ra.heard(0, TONE_B)) >= 4,
                    "steady reports");

            // (1) an offer nobody answers: its offer and candidates go nowhere
            int fromA = ra.size();
            int fromB = rb.size();
            AtomicReference<SessionDescription> offer = new AtomicReference<>();
            Peer unanswered = a.createPeer("unanswered", PeerRole.OFFERER, new PeerListener() {
                @Override
                public void onLocalDescription(SessionDescription d) {
                    offer.set(d);
                }
            });
            unanswered.publishTone(700);
            Recorder.await(Duration.ofSeconds(10), () -> offer.get() != null, "the unanswered offer");
            long[] window = watch();
            long gapA = longestGap(ra, fromA, TONE_B, window);
            long gapB = longestGap(rb, fromB, TONE_A, window);
            System.out.println("stuck-peer: unanswered offerer beside a live pair: longest gap in hearing the"
                    + " partner " + gapA + " ms (A hears B), " + gapB + " ms (B hears A) over " + WATCH.toMillis()
                    + " ms");
            assertTrue(gapB <= 1_000, "B stopped hearing A for " + gapB + " ms while A's other peer waited for an"
                    + " answer");
            assertTrue(gapA <= 1_000, "A stopped hearing B for " + gapA + " ms");

            // (2) an offer applied, but no candidate ever arrives: ICE never completes
            fromA = ra.size();
            fromB = rb.size();
            Peer noIce = a.createPeer("no-ice", PeerRole.ANSWERER, new PeerListener() {
            });
            Peer offerer = b.createPeer("no-ice", PeerRole.OFFERER, new PeerListener() {
                @Override
                public void onLocalDescription(SessionDescription d) {
                    noIce.setRemoteDescription(d);
                }
            });
            noIce.publishTone(800);
            window = watch();
            long gap2B = longestGap(rb, fromB, TONE_A, window);
            long gap2A = longestGap(ra, fromA, TONE_B, window);
            System.out.println("stuck-peer: answerer whose ICE never completes beside a live pair: longest gap "
                    + gap2A + " ms (A hears B), " + gap2B + " ms (B hears A)");
            assertTrue(gap2B <= 4_000, "B stopped hearing A for " + gap2B + " ms (cap 3 s)");
            assertTrue(gap2A <= 4_000, "A stopped hearing B for " + gap2A + " ms (cap 3 s)");
            assertEquals(0, a.status().restarts(), "worker A restarts");
            assertEquals(0, b.status().restarts(), "worker B restarts");
            unanswered.close();
            noIce.close();
            offerer.close();
            pa.close();
            pb.close();
        }
    }

    private static long reportsSince(Recorder r, int from) {
        List<Recorder.Entry> l = new ArrayList<>(r.log);
        return l.subList(Math.max(0, from), l.size()).stream().filter(e -> e.event() instanceof AudioLevel).count();
    }

    /** Waits {@link #WATCH}; returns its start and end (nanoTime). */
    private static long[] watch() throws InterruptedException {
        long start = System.nanoTime();
        Recorder.await(WATCH.plusSeconds(2), () -> System.nanoTime() - start >= WATCH.toNanos(), "the watch");
        return new long[] {start, System.nanoTime()};
    }

    /**
     * The longest time within the window between two audio reports (from index {@code from} on) that carry
     * {@code hz}; the window's start and end count as such reports, so hearing nothing at either end is a gap too.
     */
    private static long longestGap(Recorder r, int from, double hz, long[] window) {
        long last = window[0];
        long longest = 0;
        List<Recorder.Entry> l = new ArrayList<>(r.log);
        for (int i = from; i < l.size(); i++) {
            Recorder.Entry e = l.get(i);
            if (e.nanos() >= window[0] && e.nanos() <= window[1] && e.event() instanceof AudioLevel a
                    && a.rms() > 0.02 && Math.abs(a.frequencyHz() - hz) < 5) {
                longest = Math.max(longest, e.nanos() - last);
                last = e.nanos();
            }
        }
        longest = Math.max(longest, window[1] - last);
        return longest / 1_000_000;
    }
}
