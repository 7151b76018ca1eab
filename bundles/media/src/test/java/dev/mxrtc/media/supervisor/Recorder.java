package dev.mxrtc.media.supervisor;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.VideoLevel;

/**
 * Test signalling and observation for one peer: forwards descriptions and candidates to the remote {@link Peer}
 * (what Matrix to-device signalling does in the runtime), asks the remote to reconnect when this side's worker
 * restarted, and records every event in arrival order with its time.
 */
final class Recorder implements PeerListener {

    record Entry(long nanos, Object event) {
    }

    record Err(String op, String message) {
    }

    record Reconnecting() {
    }

    /** A local description this side signalled. */
    record Sdp(SessionDescription.Type type) {
    }

    final AtomicReference<Peer> remote = new AtomicReference<>();
    final List<Entry> log = new CopyOnWriteArrayList<>();
    /** If set, every data message is answered with this prefix (an echo participant). */
    volatile String echoPrefix;
    volatile Peer self;
    /** Decoded PCM received through onAudioFrame, in order. */
    final List<short[]> pcm = new CopyOnWriteArrayList<>();
    volatile int pcmRate;

    @Override
    public void onLocalDescription(SessionDescription d) {
        add(new Sdp(d.type()));
        remote.get().setRemoteDescription(d);
    }

    @Override
    public void onLocalCandidate(IceCandidate c) {
        remote.get().addIceCandidate(c);
    }

    @Override
    public void onState(PeerState s) {
        add(s);
    }

    @Override
    public void onData(String text) {
        add(text);
        String p = echoPrefix;
        if (p != null && !text.startsWith(p)) {
            self.send(p + text);
        }
    }

    @Override
    public void onAudio(AudioLevel level) {
        add(level);
    }

    @Override
    public void onVideo(VideoLevel level) {
        add(level);
    }

    @Override
    public void onVideoFrame(I420Frame frame) {
        add(frame);
    }

    @Override
    public void onAudioFrame(short[] samples, int sampleRate) {
        pcmRate = sampleRate;
        pcm.add(samples);
    }

    @Override
    public void onError(String op, String message) {
        add(new Err(op, message));
    }

    @Override
    public void onReconnecting() {
        add(new Reconnecting());
        remote.get().reconnect();
    }

    private void add(Object o) {
        log.add(new Entry(System.nanoTime(), o));
    }

    int size() {
        return log.size();
    }

    /** Index of the first entry at or after {@code from} that matches, or -1. */
    int find(int from, Predicate<Object> p) {
        List<Entry> l = new ArrayList<>(log);
        for (int i = Math.max(0, from); i < l.size(); i++) {
            if (p.test(l.get(i).event())) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first audio report (after the first CONNECTED at or after {@code from}) near {@code hz}. */
    int heard(int from, double hz) {
        int connected = find(from, e -> e == PeerState.CONNECTED);
        if (connected < 0) {
            return -1;
        }
        return find(connected, e -> e instanceof AudioLevel a && a.rms() > 0.02
                && Math.abs(a.frequencyHz() - hz) < 5);
    }

    /**
     * Index of the first video report (after the first CONNECTED at or after {@code from}) with frames flowing at
     * this size and within {@code tolerance} of the colour.
     */
    int saw(int from, int rgb, int width, int height, int tolerance) {
        int connected = find(from, e -> e == PeerState.CONNECTED);
        return connected < 0 ? -1 : video(connected, rgb, width, height, tolerance);
    }

    /** As {@link #saw} but on the connection as it is (a renegotiation brings no new CONNECTED). */
    int video(int from, int rgb, int width, int height, int tolerance) {
        return find(from, e -> e instanceof VideoLevel v && v.fps() > 0 && v.width() == width
                && v.height() == height && v.distance(rgb) <= tolerance);
    }

    /** Samples received through onAudioFrame so far. */
    int pcmSamples() {
        return pcm.stream().mapToInt(a -> a.length).sum();
    }

    /** The last {@code n} received samples. */
    short[] lastPcm(int n) {
        List<short[]> blocks = new ArrayList<>(pcm);
        short[] out = new short[n];
        int k = n;
        for (int b = blocks.size() - 1; b >= 0 && k > 0; b--) {
            short[] block = blocks.get(b);
            int take = Math.min(k, block.length);
            System.arraycopy(block, block.length - take, out, k - take, take);
            k -= take;
        }
        return out;
    }

    Entry at(int i) {
        return log.get(i);
    }

    static void await(Duration max, BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + max + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The worker's class path: this test JVM's (target/classes and the webrtc-java jars). */
    /** A new engine whose worker runs with the test class path (not started). */
    static MediaSupervisor engine() {
        return new MediaSupervisor(launch(), MediaSupervisor.Settings.defaults());
    }

    /** Starts the engines and waits (bounded) until every one's worker runs. */
    static void startAll(MediaSupervisor... engines) throws InterruptedException {
        for (MediaSupervisor e : engines) {
            e.start();
        }
        await(Duration.ofSeconds(30), () -> java.util.Arrays.stream(engines).allMatch(e -> e.status().running()),
                engines.length == 1 ? "worker ready" : "all workers ready");
    }

    static WorkerLaunch launch() {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
        return new WorkerLaunch(WorkerLaunch.currentJava(), List.of("-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto"), cp);
    }
}
