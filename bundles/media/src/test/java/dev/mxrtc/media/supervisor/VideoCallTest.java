package dev.mxrtc.media.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;

/**
 * Video and decoded-frame delivery between two engines (two supervised worker JVMs) in this test's network namespace:
 * the picture each side publishes arrives at the other with its size and colour, decoded PCM carries the sender's
 * tone, video added and removed mid-call renegotiates, and after SIGKILL of a worker the same video is back. Prints
 * the figures, including the workers' CPU with audio only and with audio + video.
 */
@Timeout(150)
class VideoCallTest {

    private static final int RED = 0xD02828;
    private static final int BLUE = 0x2850D0;
    private static final int GREEN = 0x28C040;
    private static final int YELLOW = 0xD0C028;
    /** VP8 at this size keeps a flat colour within a few levels; the YUV round trip adds ~2. */
    private static final int TOLERANCE = 20;

    @Test
    void videoBothWaysDecodedFramesAndRecoveryAfterSigkill() throws Exception {
        try (MediaSupervisor a = Recorder.engine(); MediaSupervisor b = Recorder.engine()) {
            Recorder.startAll(a, b);
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            Peer pb = b.createPeer("alice", PeerRole.ANSWERER, MediaOptions.AUDIO_VIDEO, rb);
            ra.remote.set(pb);
            Peer pa = a.createPeer("bob", PeerRole.OFFERER, MediaOptions.AUDIO_VIDEO, ra);
            rb.remote.set(pa);
            long t0 = System.nanoTime();
            pa.publishTone(440);
            pa.publishVideo(VideoPattern.solid(RED));
            pb.publishVideo(VideoPattern.solid(BLUE));
            pb.receiveAudioFrames(true);
            pb.receiveVideoFrames(5);

            Recorder.await(Duration.ofSeconds(20), () -> rb.saw(0, RED, 320, 180, TOLERANCE) >= 0
                    && ra.saw(0, BLUE, 320, 180, TOLERANCE) >= 0, "each side sees the other's colour at 320x180");
            VideoLevel atB = (VideoLevel) rb.at(rb.saw(0, RED, 320, 180, TOLERANCE)).event();
            VideoLevel atA = (VideoLevel) ra.at(ra.saw(0, BLUE, 320, 180, TOLERANCE)).event();
            long firstVideoMs = (Math.max(rb.at(rb.saw(0, RED, 320, 180, TOLERANCE)).nanos(),
                    ra.at(ra.saw(0, BLUE, 320, 180, TOLERANCE)).nanos()) - t0) / 1_000_000;
            System.out.printf("video-first: %d ms from createPeer to both pictures measured; B sees #%06x at %.1f fps"
                    + " (sent #%06x), A sees #%06x (sent #%06x)%n", firstVideoMs, atB.rgb(), atB.fps(), RED,
                    atA.rgb(), BLUE);
            // B published before the offer arrived: no error, its frames went out once the offer brought video
            assertEquals(-1, rb.find(0, e -> e instanceof Recorder.Err), "no errors at B");
            // only one offer: the video section was in the first one
            assertEquals(1, count(ra, e -> e instanceof Recorder.Sdp s && s.type() == SessionDescription.Type.OFFER));

            // decoded frames, at most 5 a second
            Recorder.await(Duration.ofSeconds(10), () -> rb.find(0, e -> e instanceof I420Frame) >= 0,
                    "a decoded frame");
            I420Frame frame = (I420Frame) rb.at(rb.find(0, e -> e instanceof I420Frame)).event();
            assertEquals(320, frame.width());
            assertEquals(180, frame.height());
            assertTrue(distance(frame.rgbAt(160, 90), RED) <= TOLERANCE + 10,
                    String.format("centre pixel #%06x is red", frame.rgbAt(160, 90)));
            assertTrue(hasBar(frame),
                    "the moving bar or the counter makes the edges differ from the centre");
            int framesNow = count(rb, e -> e instanceof I420Frame);
            long tf = System.nanoTime();
            Thread.sleep(1_000);
            int perSecond = (int) Math.round((count(rb, e -> e instanceof I420Frame) - framesNow)
                    / ((System.nanoTime() - tf) / 1e9));
            System.out.println("video-frames-delivered: " + perSecond + " per second (asked for at most 5)");
            assertTrue(perSecond >= 1 && perSecond <= 6, "frame delivery capped at 5/s, was " + perSecond);

            // decoded PCM: its dominant frequency is A's tone
            Recorder.await(Duration.ofSeconds(20), () -> rb.heard(0, 440) >= 0, "B hears 440 Hz");
            int pcmFrom = rb.pcmSamples();
            Recorder.await(Duration.ofSeconds(10), () -> rb.pcmSamples() - pcmFrom >= 9_600, "200 ms of PCM");
            double hz = Tones.dominantHz(rb.lastPcm(8_192), rb.pcmRate);
            System.out.printf("audio-frames: B's decoded PCM at %d Hz peaks at %.1f Hz (A sends 440)%n", rb.pcmRate,
                    hz);
            assertEquals(440, hz, 5);

            // SIGKILL A's worker: the re-created peer publishes the same video (and tone) again
            long killedPid = a.status().pid();
            int ia = ra.size();
            int ib = rb.size();
            long tk = System.nanoTime();
            assertTrue(ProcessHandle.of(killedPid).orElseThrow().destroyForcibly());
            Recorder.await(Duration.ofSeconds(20), () -> rb.saw(ib, RED, 320, 180, TOLERANCE) >= 0
                    && ra.saw(ia, BLUE, 320, 180, TOLERANCE) >= 0, "video back both ways after SIGKILL");
            long recoveryMs = (Math.max(rb.at(rb.saw(ib, RED, 320, 180, TOLERANCE)).nanos(),
                    ra.at(ra.saw(ia, BLUE, 320, 180, TOLERANCE)).nanos()) - tk) / 1_000_000;
            System.out.println("video-recovery: " + recoveryMs + " ms (SIGKILL of the worker to the right picture"
                    + " measured again on both sides)");
            assertTrue(a.status().pid() != killedPid && a.status().restarts() >= 1);
            Recorder.await(Duration.ofSeconds(10), () -> rb.heard(ib, 440) >= 0, "the tone is back too");
            // B's frame subscription outlived the reconnect of its peer; A's resubscribed nothing it never asked for
            int fb = rb.size();
            Recorder.await(Duration.ofSeconds(10), () -> rb.find(fb, e -> e instanceof I420Frame) >= 0,
                    "frames delivered after the reconnect");
            assertEquals(-1, ra.find(0, e -> e instanceof I420Frame), "A never asked for frames");
        }
    }

    @Test
    void videoAddedAndRemovedMidCallRenegotiates() throws Exception {
        try (MediaSupervisor a = Recorder.engine(); MediaSupervisor b = Recorder.engine()) {
            Recorder.startAll(a, b);
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            // the overloads the full mesh uses: audio only
            Peer pb = b.createPeer("alice", PeerRole.ANSWERER, rb);
            ra.remote.set(pb);
            Peer pa = a.createPeer("bob", PeerRole.OFFERER, ra);
            rb.remote.set(pa);
            pa.publishTone(440);
            pb.publishTone(1000);
            Recorder.await(Duration.ofSeconds(20), () -> ra.heard(0, 1000) >= 0 && rb.heard(0, 440) >= 0,
                    "tones both ways");
            assertEquals(1, offers(ra));
            double audioOnly = cpuPercent(a, b);

            // the offerer adds video: a second offer, and B sees the picture
            int ib = rb.size();
            long tv = System.nanoTime();
            pa.publishVideo(VideoPattern.solid(GREEN));
            Recorder.await(Duration.ofSeconds(20), () -> rb.video(ib, GREEN, 320, 180, TOLERANCE) >= 0,
                    "B sees A's video added mid-call");
            System.out.println("video-added-mid-call: " + (rb.at(rb.video(ib, GREEN, 320, 180, TOLERANCE)).nanos() - tv)
                    / 1_000_000 + " ms from publishVideo (renegotiation) to the picture measured");
            assertEquals(2, offers(ra), "adding video renegotiated");
            // the answerer answered with its own track on that section: it can send without an offer of its own
            int ia = ra.size();
            pb.publishVideo(VideoPattern.solid(YELLOW));
            Recorder.await(Duration.ofSeconds(20), () -> ra.video(ia, YELLOW, 320, 180, TOLERANCE) >= 0,
                    "A sees B's video");
            assertEquals(2, offers(ra), "the answerer's video needed no new offer");
            assertEquals(-1, rb.find(0, e -> e instanceof Recorder.Err), "no errors at B");
            // audio survived the renegotiation
            int ia2 = ra.size();
            int ib2 = rb.size();
            Recorder.await(Duration.ofSeconds(10), () -> find(ra, ia2, 1000) && find(rb, ib2, 440),
                    "tones still heard after renegotiating");
            double withVideo = cpuPercent(a, b);
            System.out.printf("video-cpu: both workers together %.1f%% of one core with audio only, %.1f%% with"
                    + " audio + 320x180@15 video both ways: ratio %.2f%n", audioOnly, withVideo,
                    withVideo / Math.max(0.1, audioOnly));

            // the offerer removes its video: a third offer; B's picture stops, A still receives B's
            int ib3 = rb.size();
            pa.stopVideo();
            Recorder.await(Duration.ofSeconds(20), () -> offers(ra) == 3 && rb.find(ib3, e -> e instanceof VideoLevel v
                    && v.fps() == 0) >= 0, "B's video report says A's video stopped");
            int ia3 = ra.size();
            Recorder.await(Duration.ofSeconds(10), () -> ra.find(ia3, e -> e instanceof VideoLevel v && v.fps() > 0
                    && v.distance(YELLOW) <= TOLERANCE) >= 0, "A still sees B's video");
            assertEquals(-1, ra.find(0, e -> e instanceof Recorder.Err), "no errors at A");
            assertTrue(ra.find(0, e -> e == PeerState.FAILED) < 0 && rb.find(0, e -> e == PeerState.FAILED) < 0);
        }
    }

    private static boolean find(Recorder r, int from, double hz) {
        return r.find(from, e -> e instanceof dev.mxrtc.media.AudioLevel l && l.rms() > 0.02
                && Math.abs(l.frequencyHz() - hz) < 5) >= 0;
    }

    private static int offers(Recorder r) {
        return count(r, e -> e instanceof Recorder.Sdp s && s.type() == SessionDescription.Type.OFFER);
    }

    private static int count(Recorder r, java.util.function.Predicate<Object> p) {
        return (int) r.log.stream().map(Recorder.Entry::event).filter(p).count();
    }

    /** CPU of both workers over 3 s, in percent of one core (their pids from the supervisors). */
    private static double cpuPercent(MediaSupervisor a, MediaSupervisor b) throws InterruptedException {
        ProcessHandle pa = ProcessHandle.of(a.status().pid()).orElseThrow();
        ProcessHandle pb = ProcessHandle.of(b.status().pid()).orElseThrow();
        long c0 = cpu(pa) + cpu(pb);
        long t0 = System.nanoTime();
        Thread.sleep(3_000);
        long c1 = cpu(pa) + cpu(pb);
        return 100.0 * (c1 - c0) / (System.nanoTime() - t0);
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static int distance(int x, int y) {
        return Math.max(Math.abs(((x >> 16) & 0xFF) - ((y >> 16) & 0xFF)),
                Math.max(Math.abs(((x >> 8) & 0xFF) - ((y >> 8) & 0xFF)), Math.abs((x & 0xFF) - (y & 0xFF))));
    }

    /** The pattern's top-left counter blocks or bottom bar: some top or bottom pixel far from the centre colour. */
    private static boolean hasBar(I420Frame f) {
        int centre = f.rgbAt(f.width() / 2, f.height() / 2);
        for (int x = 0; x < f.width(); x += 8) {
            if (distance(f.rgbAt(x, f.height() - 8), centre) > 60 || distance(f.rgbAt(x, 8), centre) > 60) {
                return true;
            }
        }
        return false;
    }
}
