package dev.mxrtc.media.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;

/**
 * Several audio peers of one worker coming up at once: the case that hung the worker's actor inside
 * {@code AudioDeviceModuleBase.stopRecording} (the worker used to stop the audio module's recording on every peer's
 * connect, from its own thread, while libwebrtc's worker thread was starting recording for the next peer's send
 * stream; see MediaWorker). Two engines, four offerer/answerer pairs created together, each side publishing its own
 * tone, three rounds; the pairs of one round stay up while the next round's come up (new send streams restart
 * recording beside live calls). Asserted: every pair connects and hears its partner's tone, once all are up nobody
 * hears its own tone any more (the audio module recording the received mix and sending it back: during the hang it
 * kept doing so until the ping-kill), and no worker was restarted (a hang is
 * turned into a ping-kill and restart by the supervisor, so a restart count above 0 is the hang).
 */
@Timeout(150)
class MultiPeerWorkerTest {

    private static final int PAIRS = 4;
    private static final int ROUNDS = 3;

    private record Pair(String id, Peer a, Peer b, Recorder ra, Recorder rb, double toneA, double toneB) {
    }

    @Test
    void severalAudioPeersComeUpTogetherWithoutHangOrSelfEcho() throws Exception {
        try (MediaSupervisor a = Recorder.engine(); MediaSupervisor b = Recorder.engine()) {
            Recorder.startAll(a, b);
            List<Pair> previous = List.of();
            for (int round = 0; round < ROUNDS; round++) {
                long t0 = System.nanoTime();
                List<Pair> pairs = new ArrayList<>();
                for (int i = 0; i < PAIRS; i++) {
                    String id = "r" + round + "p" + i;
                    // distinct tones per peer and round, 300..1350 Hz, far apart for the analyser
                    double toneA = 300 + 75 * (round * PAIRS + i) * 2;
                    double toneB = toneA + 75;
                    Recorder ra = new Recorder();
                    Recorder rb = new Recorder();
                    Peer pb = b.createPeer(id, PeerRole.ANSWERER, rb);
                    ra.remote.set(pb);
                    Peer pa = a.createPeer(id, PeerRole.OFFERER, ra);
                    rb.remote.set(pa);
                    // publishing before connecting: pushing must still wait until recording is stopped
                    pa.publishTone(toneA);
                    pb.publishTone(toneB);
                    pairs.add(new Pair(id, pa, pb, ra, rb, toneA, toneB));
                }
                for (Pair p : pairs) {
                    Recorder.await(Duration.ofSeconds(25), () -> p.ra().heard(0, p.toneB()) >= 0
                            && p.rb().heard(0, p.toneA()) >= 0, "round " + p.id() + ": both tones heard");
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("multi-peer: round " + round + ", " + PAIRS + " audio pairs created together, all"
                        + " connected and hearing their partner after " + ms + " ms (" + previous.size()
                        + " pairs of the previous round still live)");
                // from now on nobody may hear itself: recording (which sends the received mix back out) must be
                // stopped on both workers once each side hears the other (pushing starts only after the stop); a
                // report or two later the analysis windows hold no earlier audio. Before, a few can carry the echo.
                Recorder.await(Duration.ofSeconds(5), () -> pairs.stream().allMatch(p -> reports(p.ra()) >= 5
                        && reports(p.rb()) >= 5), "audio reports");
                List<int[]> from = new ArrayList<>();
                for (Pair p : concat(previous, pairs)) {
                    from.add(new int[] {p.ra().size(), p.rb().size()});
                }
                int echoesBefore = 0;
                for (Pair p : concat(previous, pairs)) {
                    echoesBefore += ownTone(p.ra(), 0, p.toneA()) + ownTone(p.rb(), 0, p.toneB());
                }
                Recorder.await(Duration.ofSeconds(5), () -> pairs.stream().allMatch(p -> reports(p.ra()) >= 10
                        && reports(p.rb()) >= 10), "more audio reports");
                int k = 0;
                for (Pair p : concat(previous, pairs)) {
                    int[] f = from.get(k++);
                    assertEquals(0, ownTone(p.ra(), f[0], p.toneA()), p.id() + " offerer heard its own tone later");
                    assertEquals(0, ownTone(p.rb(), f[1], p.toneB()), p.id() + " answerer heard its own tone later");
                }
                System.out.println("multi-peer: round " + round + ", reports carrying a peer's own tone while the"
                        + " pairs came up: " + echoesBefore + "; after all were up: 0");
                for (Pair p : previous) {
                    p.a().close();
                    p.b().close();
                }
                previous = pairs;
                assertEquals(0, a.status().restarts(), "worker A restarted (hung or aborted) in round " + round);
                assertEquals(0, b.status().restarts(), "worker B restarted (hung or aborted) in round " + round);
            }
            for (Pair p : previous) {
                assertTrue(p.ra().find(0, e -> e == PeerState.FAILED) < 0, p.id() + " failed");
                p.a().close();
                p.b().close();
            }
            assertEquals(0, a.status().restarts(), "worker A restarts");
            assertEquals(0, b.status().restarts(), "worker B restarts");
        }
    }

    private static int reports(Recorder r) {
        return (int) r.log.stream().filter(e -> e.event() instanceof AudioLevel).count();
    }

    /** Audio reports from {@code from} on whose dominant frequency is the peer's own tone. */
    private static int ownTone(Recorder r, int from, double own) {
        List<Recorder.Entry> l = new ArrayList<>(r.log);
        int n = 0;
        for (int i = from; i < l.size(); i++) {
            if (l.get(i).event() instanceof AudioLevel a && a.rms() > 0.02 && Math.abs(a.frequencyHz() - own) < 5) {
                n++;
            }
        }
        return n;
    }

    private static List<Pair> concat(List<Pair> x, List<Pair> y) {
        List<Pair> all = new ArrayList<>(x);
        all.addAll(y);
        return all;
    }
}
