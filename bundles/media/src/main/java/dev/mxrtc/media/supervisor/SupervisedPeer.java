package dev.mxrtc.media.supervisor;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.ipc.Command;
import dev.mxrtc.media.ipc.Event;

/**
 * The runtime's side of a peer: what the caller wants (role, published audio and video, frame subscriptions) survives
 * worker restarts; each connection in the worker is a new generation, and events of older generations are dropped.
 * State is owned by the supervisor's actor: public methods only enqueue.
 */
final class SupervisedPeer implements Peer {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedPeer.class);

    private final MediaSupervisor owner;
    private final String id;
    private final PeerRole role;
    private final boolean audio;
    private final boolean videoSection;
    private final PeerListener listener;
    /** Pushed frames queued for the actor, not yet written to the worker (any thread). */
    private final AtomicInteger framesInFlight = new AtomicInteger();
    private final AtomicLong framesDropped = new AtomicLong();
    // actor-owned
    private int gen;
    private boolean closed;
    private double toneHz;
    private short[] pcm;
    private String forwardFrom;
    private VideoPattern video;
    private I420Frame pushed;
    private int videoFramesFps;
    private boolean audioFrames;

    SupervisedPeer(MediaSupervisor owner, String id, PeerRole role, MediaOptions media, PeerListener listener) {
        if (id == null || id.isEmpty() || id.length() > 255) {
            throw new IllegalArgumentException("peer id must be 1..255 characters");
        }
        this.owner = owner;
        this.id = id;
        this.role = Objects.requireNonNull(role, "role");
        this.audio = media.audio();
        this.videoSection = media.video();
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public PeerRole role() {
        return role;
    }

    int gen() {
        return gen;
    }

    @Override
    public void setRemoteDescription(SessionDescription d) {
        Objects.requireNonNull(d, "description");
        owner.run(() -> sendOrFail("remote-sdp", new Command.RemoteSdp(id, gen,
                d.type().name().toLowerCase(Locale.ROOT), d.sdp())));
    }

    @Override
    public void addIceCandidate(IceCandidate c) {
        Objects.requireNonNull(c, "candidate");
        owner.run(() -> sendOrFail("candidate", new Command.Candidate(id, gen, c.sdpMid(), c.sdpMLineIndex(),
                c.candidate())));
    }

    @Override
    public void publishTone(double hz) {
        if (!(hz >= 0 && hz <= 20_000)) {
            throw new IllegalArgumentException("tone must be in [0, 20000] Hz");
        }
        owner.run(() -> {
            toneHz = hz;
            pcm = null;
            forwardFrom = null;
            if (!closed) {
                owner.send(new Command.Tone(id, gen, hz));
            }
        });
    }

    @Override
    public void publishPcm(short[] samples) {
        byte[] le = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            le[2 * i] = (byte) samples[i];
            le[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        short[] copy = samples.clone();
        owner.run(() -> {
            pcm = copy;
            toneHz = 0;
            forwardFrom = null;
            if (!closed) {
                owner.send(new Command.Pcm(id, gen, le));
            }
        });
    }

    @Override
    public void publishAudioOf(String fromPeerId) {
        if (fromPeerId == null || fromPeerId.isEmpty() || fromPeerId.length() > 255) {
            throw new IllegalArgumentException("peer id must be 1..255 characters");
        }
        owner.run(() -> {
            forwardFrom = fromPeerId;
            pcm = null;
            toneHz = 0;
            if (!closed) {
                owner.send(new Command.Forward(id, gen, fromPeerId));
            }
        });
    }

    @Override
    public void publishVideo(VideoPattern pattern) {
        Objects.requireNonNull(pattern, "pattern");
        owner.run(() -> {
            video = pattern;
            pushed = null;
            if (!closed) {
                owner.send(videoCommand());
            }
        });
    }

    @Override
    public void publishVideoFrame(I420Frame frame) {
        Objects.requireNonNull(frame, "frame");
        Command.PushFrame.checkSize(frame.width(), frame.height());
        if (framesInFlight.incrementAndGet() > MAX_PUSHED_FRAMES_IN_FLIGHT) {
            framesInFlight.decrementAndGet();
            long n = framesDropped.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.info("peer {}: {} pushed video frames dropped so far ({} in flight)", id, n,
                        MAX_PUSHED_FRAMES_IN_FLIGHT);
            }
            return;
        }
        owner.run(() -> {
            try {
                video = null;
                pushed = frame;
                if (!closed) {
                    owner.send(pushCommand());
                }
            } finally {
                framesInFlight.decrementAndGet();
            }
        });
    }

    /** Pushed frames dropped because too many were in flight (for tests and stats). */
    long pushedFramesDropped() {
        return framesDropped.get();
    }

    private Command.PushFrame pushCommand() {
        return new Command.PushFrame(id, gen, pushed.width(), pushed.height(), pushed.data());
    }

    @Override
    public void stopVideo() {
        owner.run(() -> {
            video = null;
            pushed = null;
            if (!closed) {
                owner.send(new Command.VideoStop(id, gen));
            }
        });
    }

    @Override
    public void receiveVideoFrames(int maxFramesPerSecond) {
        if (maxFramesPerSecond < 0 || maxFramesPerSecond > 30) {
            throw new IllegalArgumentException("frames per second must be 0..30");
        }
        owner.run(() -> {
            videoFramesFps = maxFramesPerSecond;
            if (!closed) {
                owner.send(new Command.Frames(id, gen, videoFramesFps, audioFrames));
            }
        });
    }

    @Override
    public void receiveAudioFrames(boolean on) {
        owner.run(() -> {
            audioFrames = on;
            if (!closed) {
                owner.send(new Command.Frames(id, gen, videoFramesFps, audioFrames));
            }
        });
    }

    private Command.Video videoCommand() {
        return new Command.Video(id, gen, video.width(), video.height(), video.fps(), video.rgb());
    }

    @Override
    public void send(String text) {
        Objects.requireNonNull(text, "text");
        owner.run(() -> sendOrFail("send", new Command.Send(id, gen, text)));
    }

    @Override
    public void reconnect() {
        owner.run(() -> {
            if (!closed && owner.running()) {
                create();
            }
        });
    }

    @Override
    public void close() {
        owner.run(() -> {
            if (closed) {
                return;
            }
            closed = true;
            owner.send(new Command.Close(id, gen));
            owner.removed(this);
            notify(l -> l.onState(PeerState.CLOSED));
        });
    }

    // ---- actor only

    /** A new connection in the worker (new generation) with the published audio and video re-applied. */
    void create() {
        gen++;
        owner.send(new Command.Create(id, gen, role == PeerRole.OFFERER, audio,
                videoSection || video != null || pushed != null));
        if (video != null) {
            owner.send(videoCommand());
        } else if (pushed != null) {
            owner.send(pushCommand());
        }
        if (videoFramesFps > 0 || audioFrames) {
            owner.send(new Command.Frames(id, gen, videoFramesFps, audioFrames));
        }
        if (!audio) {
            return;
        }
        if (pcm != null) {
            byte[] le = new byte[pcm.length * 2];
            for (int i = 0; i < pcm.length; i++) {
                le[2 * i] = (byte) pcm[i];
                le[2 * i + 1] = (byte) (pcm[i] >> 8);
            }
            owner.send(new Command.Pcm(id, gen, le));
        } else if (toneHz > 0) {
            owner.send(new Command.Tone(id, gen, toneHz));
        } else if (forwardFrom != null) {
            owner.send(new Command.Forward(id, gen, forwardFrom));
        }
    }

    /** The worker (re)started: make this peer's connection there. */
    void recreate(boolean afterRestart) {
        if (closed) {
            return;
        }
        if (afterRestart) {
            notify(PeerListener::onReconnecting);
        }
        create();
    }

    void onEvent(Event.PeerEvent e) {
        switch (e) {
            case Event.LocalSdp x -> notify(l -> l.onLocalDescription(new SessionDescription(
                    "offer".equals(x.type()) ? SessionDescription.Type.OFFER : SessionDescription.Type.ANSWER,
                    x.sdp())));
            case Event.LocalCandidate x -> notify(l -> l.onLocalCandidate(new IceCandidate(x.mid(),
                    Math.max(0, x.index()), x.candidate())));
            case Event.State x -> {
                PeerState s;
                try {
                    s = PeerState.valueOf(x.state().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    LOG.warn("peer {}: unknown state {}", id, x.state());
                    return;
                }
                notify(l -> l.onState(s));
            }
            case Event.Data x -> notify(l -> l.onData(x.data()));
            case Event.Audio x -> {
                if (x.rms() >= 0 && x.hz() >= 0 && x.samples() >= 0) {
                    notify(l -> l.onAudio(new AudioLevel(x.rms(), x.hz(), x.samples())));
                }
            }
            case Event.Video x -> {
                if (x.width() >= 0 && x.height() >= 0 && x.fps() >= 0 && x.frames() >= 0 && x.luma() >= 0
                        && x.luma() <= 255) {
                    notify(l -> l.onVideo(new VideoLevel(x.width(), x.height(), x.fps(), (x.rgb() >> 16) & 0xFF,
                            (x.rgb() >> 8) & 0xFF, x.rgb() & 0xFF, x.luma(), x.frames())));
                }
            }
            case Event.VideoFrame x -> {
                I420Frame f;
                try {
                    f = new I420Frame(x.width(), x.height(), x.timestampMicros(), x.i420());
                } catch (IllegalArgumentException ex) {
                    LOG.warn("peer {}: bad video frame from the worker: {}", id, ex.getMessage());
                    return;
                }
                notify(l -> l.onVideoFrame(f));
            }
            case Event.AudioFrame x -> {
                byte[] le = x.pcm();
                short[] pcm = new short[le.length / 2];
                for (int i = 0; i < pcm.length; i++) {
                    pcm[i] = (short) ((le[2 * i] & 0xff) | (le[2 * i + 1] << 8));
                }
                notify(l -> l.onAudioFrame(pcm, x.rate()));
            }
            case Event.Closed x -> LOG.debug("peer {} generation {} closed in the worker", id, x.gen());
        }
    }

    void onError(String op, String message) {
        notify(l -> l.onError(op, message));
    }

    private void sendOrFail(String op, Command c) {
        if (closed) {
            notify(l -> l.onError(op, "peer closed"));
        } else if (!owner.send(c)) {
            notify(l -> l.onError(op, "media worker restarting; the peer will renegotiate"));
        }
    }

    private void notify(java.util.function.Consumer<PeerListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: listener failed", id, e);
        }
    }
}
