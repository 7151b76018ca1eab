package dev.mxrtc.media.worker;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.mxrtc.media.ipc.Command;
import dev.mxrtc.media.ipc.Event;
import dev.mxrtc.media.ipc.Wire;
import dev.mxrtc.media.ipc.WireException;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * The media worker: the only JVM that loads libwebrtc. Reads {@link Command} lines on stdin, writes {@link Event}
 * lines on stdout, logs to stderr. A native check failure aborts this process only; the supervisor in the runtime
 * restarts it. Stdin closing (the runtime went away) disposes everything and exits.
 *
 * <p>Threads: one actor owns the peers and makes every libwebrtc call; a pump thread pushes 10 ms audio frames and
 * sends audio and video reports; a video pump pushes generated video frames; stdout is written under a lock (decoded
 * frames, when asked for, are written from libwebrtc's decoder and audio threads); {@link RecordingStopper}'s thread
 * is the only caller of the audio module's {@code stopRecording} (never the actor, never an observer callback).
 */
public final class MediaWorker implements WorkerPeer.Host {

    private static final long REPORT_MS = 250;
    /** Quiet time after the last audio peer connected before recording is stopped and pushing starts. */
    private static final long SETTLE_MS = 300;
    /** A stopRecording still running after this is the start/stop race in the headless module: stop again. */
    private static final long RESCUE_MS = 1_000;
    /** Exit status when the audio module's recording could not be stopped (the supervisor restarts the worker). */
    static final int EXIT_WEDGED = 70;
    /**
     * Longest pause of all pushing for one peer coming up: one whose ICE never completes (or that connects late)
     * stops holding the worker's other peers after this.
     */
    static final long COMING_UP_CAP_MS = 3_000;
    private static final long COMING_UP_CAP_NANOS = TimeUnit.MILLISECONDS.toNanos(COMING_UP_CAP_MS);

    private final PrintStream out;
    private final ReentrantLock outLock = new ReentrantLock();
    private final ExecutorService actor = Executors.newSingleThreadExecutor(r -> thread(r, "media-worker-actor"));
    private final ScheduledExecutorService pump = Executors.newSingleThreadScheduledExecutor(
            r -> thread(r, "media-worker-pump"));
    private final ScheduledExecutorService videoPump = Executors.newSingleThreadScheduledExecutor(
            r -> thread(r, "media-worker-video"));
    private final Map<String, WorkerPeer> peers = new HashMap<>();
    private long reports;
    private final List<WorkerPeer> live = new CopyOnWriteArrayList<>();
    /**
     * Actor: audio peers that may start a send stream (and with it the audio module's recording) at any moment, with
     * the time they started to: from their first remote description (or a renegotiation) to connected. Pushing
     * pauses while any is younger than {@link #COMING_UP_CAP_NANOS}. A peer whose offer is not answered yet is not
     * here: without both descriptions no send stream can start.
     */
    private final Map<WorkerPeer, Long> comingUp = new HashMap<>();
    /** Written by the actor, read by the pump: no audio is pushed while set (recording may run). */
    private volatile boolean hold;
    private final HeadlessAudioDeviceModule adm;
    private final PeerConnectionFactory factory;
    /** The only caller of adm.stopRecording(). */
    private final RecordingStopper recording;
    /** Actor: audio peers connected (or renegotiated) and not pushing yet, waiting for recording to be stopped. */
    private final Set<WorkerPeer> waiting = new HashSet<>();
    /** Actor: when the last audio peer connected. */
    private long lastConnect;
    /** Actor: a check is scheduled / a stop is in flight. */
    private boolean stopScheduled;
    private boolean stopping;

    private MediaWorker(PrintStream out) {
        this.out = out;
        this.adm = new HeadlessAudioDeviceModule();
        this.factory = new PeerConnectionFactory(adm);
        // libwebrtc's worker thread is wedged with a stuck stop: nothing can be disposed, end the process at once
        this.recording = new RecordingStopper(adm::stopRecording, RESCUE_MS, () -> Runtime.getRuntime().halt(EXIT_WEDGED));
    }

    public static void main(String[] args) throws IOException {
        // stdout is the protocol: anything else printed by libraries goes to stderr
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        MediaWorker w = new MediaWorker(protocol);
        w.run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        System.exit(0);
    }

    private void run(BufferedReader in) throws IOException {
        pump.scheduleAtFixedRate(this::pushAll, 10, 10, TimeUnit.MILLISECONDS);
        pump.scheduleAtFixedRate(this::reportAll, REPORT_MS, REPORT_MS, TimeUnit.MILLISECONDS);
        emit(new Event.Ready(ProcessHandle.current().pid()));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Command c;
            try {
                c = Wire.decodeCommand(line);
            } catch (WireException e) {
                emit(new Event.Error(null, 0, "parse", e.getMessage()));
                continue;
            }
            if (c instanceof Command.Dispose) {
                break;
            }
            Command cmd = c;
            actor.execute(() -> handle(cmd));
        }
        shutdown();
    }

    private void handle(Command c) {
        String op = "?";
        try {
            switch (c) {
                case Command.Create x -> {
                    op = "create";
                    WorkerPeer old = peers.remove(x.peer());
                    if (old != null) {
                        closePeer(old);
                    }
                    WorkerPeer p = new WorkerPeer(factory, x.peer(), x.gen(), x.offerer(), x.audio(), x.video(),
                            this);
                    peers.put(x.peer(), p);
                    live.add(p);
                }
                case Command.RemoteSdp x -> {
                    op = "remote-sdp";
                    peer(x).setRemote(x.type(), x.sdp());
                }
                case Command.Candidate x -> {
                    op = "candidate";
                    peer(x).addCandidate(x.mid(), x.index(), x.candidate());
                }
                case Command.Tone x -> {
                    op = "tone";
                    peer(x).setSignal(x.hz() == 0 ? new Signal.Silence() : new Signal.Tone(x.hz()));
                }
                case Command.Pcm x -> {
                    op = "pcm";
                    byte[] pcm = x.pcm();
                    peer(x).setSignal(pcm.length == 0 ? new Signal.Silence()
                            : new Signal.Clip(Signal.fromLittleEndian(pcm)));
                }
                case Command.Forward x -> {
                    op = "forward";
                    peer(x).setSignal(new Signal.Relay(x.from()));
                }
                case Command.Video x -> {
                    op = "video";
                    peer(x).publishVideo(new dev.mxrtc.media.VideoPattern(x.width(), x.height(), x.fps(), x.rgb()));
                }
                case Command.PushFrame x -> {
                    op = "push-frame";
                    peer(x).pushVideoFrame(x.width(), x.height(), x.i420());
                }
                case Command.VideoStop x -> {
                    op = "video-stop";
                    peer(x).stopVideo();
                }
                case Command.Frames x -> {
                    op = "frames";
                    peer(x).frames(x.videoFps(), x.audio());
                }
                case Command.Send x -> {
                    op = "send";
                    peer(x).send(x.data());
                }
                case Command.Close x -> {
                    op = "close";
                    WorkerPeer p = peer(x);
                    peers.remove(x.peer());
                    closePeer(p);
                }
                case Command.Ping x -> emit(new Event.Pong(x.seq()));
                case Command.Dispose x -> {
                    // handled by the reader loop
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            // webrtc-java reports native failures (an SDP that does not parse, a bad candidate) as java.lang.Error
            String peer = c instanceof Command.PeerCommand pc ? pc.peer() : null;
            int gen = c instanceof Command.PeerCommand pc ? pc.gen() : 0;
            emit(new Event.Error(peer, gen, op, e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private WorkerPeer peer(Command.PeerCommand c) {
        WorkerPeer p = peers.get(c.peer());
        if (p == null) {
            throw new IllegalArgumentException("no peer " + c.peer());
        }
        if (p.gen != c.gen()) {
            throw new IllegalArgumentException("stale generation " + c.gen() + " for peer " + c.peer()
                    + " (now " + p.gen + ")");
        }
        return p;
    }

    private void closePeer(WorkerPeer p) {
        comingUp.remove(p);
        waiting.remove(p);
        live.remove(p);
        p.close();
        emit(new Event.Closed(p.id, p.gen));
        update();
    }

    private void pushAll() {
        if (hold) {
            return;
        }
        for (WorkerPeer p : live) {
            try {
                p.pushFrame();
            } catch (RuntimeException e) {
                System.err.println("media-worker: push to " + p.id + " failed: " + e);
            }
        }
    }

    /** Audio every tick (250 ms), video every second tick. */
    private void reportAll() {
        boolean videoTick = (++reports & 1) == 0;
        long now = System.nanoTime();
        for (WorkerPeer p : live) {
            AudioAnalyzer.Report r = p.report();
            if (r != null) {
                emit(new Event.Audio(p.id, p.gen, r.rms(), r.hz(), r.samples()));
            }
            if (videoTick) {
                Event.Video v = p.videoReport(now);
                if (v != null) {
                    emit(v);
                }
            }
        }
    }

    @Override
    public void post(Runnable task) {
        try {
            actor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public void emit(Event e) {
        String line = Wire.encode(e);
        outLock.lock();
        try {
            out.print(line);
            out.print('\n');
            out.flush();
        } finally {
            outLock.unlock();
        }
    }

    /**
     * HeadlessAudioDeviceModule's recording thread feeding the send streams while the pump pushes through
     * CustomAudioSource trips libwebrtc's race_checker in audio_send_stream.cc (SIGABRT), and it sends the mix of
     * all received audio back out (a member hears itself). libwebrtc restarts recording on its worker thread for
     * every new sending stream, and the capture thread then feeds <em>every</em> sending stream, the connected
     * peers' too: so no pushing at all while recording may run, that is while any audio peer may start a send stream
     * (see {@link #comingUp}) or has started one (connected) and recording was not stopped since.
     *
     * <pre>
     *  pushing ──remote sdp applied / renegotiation──▶ held (peer coming up)
     *  held ──peer connected──▶ held (waiting for a stop)
     *  held ──nobody young coming up, 300 ms after the last connect──▶ stopping ──stop returned──▶ pushing
     *  held ──nobody waiting, the coming-up ones all older than the cap (never connected)──▶ pushing (no stop needed:
     *         no send stream started)
     * </pre>
     *
     * <p>The stop is coalesced per worker, not per peer: one {@code stopRecording} on the {@link RecordingStopper}'s
     * thread. Stopping from here at each peer's connect raced with libwebrtc starting recording for the next peer
     * (several audio peers coming up together) and hung the actor and libwebrtc's worker thread in pthread_join.
     */
    @Override
    public void connected(WorkerPeer peer) {
        if (!peer.audio) {
            return;
        }
        comingUp.remove(peer);
        waiting.add(peer);
        lastConnect = System.nanoTime();
        update();
    }

    /** Actor: hold pushing if recording may run, and keep checking while anything is pending. */
    private void update() {
        long now = System.nanoTime();
        comingUp.values().removeIf(since -> now - since >= COMING_UP_CAP_NANOS);
        hold = !comingUp.isEmpty() || !waiting.isEmpty() || stopping;
        if ((!comingUp.isEmpty() || !waiting.isEmpty()) && !stopScheduled) {
            stopScheduled = true;
            try {
                pump.schedule(() -> post(this::stopIfQuiet), SETTLE_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /** Actor: one stop for every peer waiting, once no audio peer is still coming up. */
    private void stopIfQuiet() {
        stopScheduled = false;
        waiting.removeIf(p -> !live.contains(p));
        update();
        long now = System.nanoTime();
        if (waiting.isEmpty() || stopping || !comingUp.isEmpty()
                || now - lastConnect < TimeUnit.MILLISECONDS.toNanos(SETTLE_MS)) {
            return; // update() checks again while something is pending
        }
        List<WorkerPeer> batch = List.copyOf(waiting);
        waiting.clear();
        stopping = true;
        recording.stop(() -> post(() -> {
            stopping = false;
            for (WorkerPeer p : batch) {
                p.startPushing();
            }
            update();
        }));
    }

    @Override
    public AudioFifo received(String peerId) {
        for (WorkerPeer p : live) {
            if (p.id.equals(peerId)) {
                return p.received;
            }
        }
        return null;
    }

    @Override
    public void settled(WorkerPeer peer) {
        comingUp.remove(peer);
        waiting.remove(peer);
        update();
    }

    /** Both descriptions are (about to be) there: a send stream, and with it recording, may start at any moment. */
    @Override
    public void comingUp(WorkerPeer peer) {
        if (peer.audio) {
            comingUp.put(peer, System.nanoTime());
            update();
        }
    }

    /** Renegotiating may start or restart streams, and with them the audio module's recording: pause as on connect. */
    @Override
    public void renegotiating(WorkerPeer peer) {
        comingUp(peer);
    }

    @Override
    public void renegotiated(WorkerPeer peer) {
        connected(peer);
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> scheduleVideo(Runnable task, long periodMicros) {
        return videoPump.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                System.err.println("media-worker: video push failed: " + e);
            }
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void shutdown() {
        pump.shutdownNow();
        videoPump.shutdownNow();
        recording.close();
        actor.execute(() -> {
            for (WorkerPeer p : List.copyOf(peers.values())) {
                closePeer(p);
            }
            peers.clear();
            factory.dispose();
            adm.dispose();
        });
        actor.shutdown();
        try {
            actor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
