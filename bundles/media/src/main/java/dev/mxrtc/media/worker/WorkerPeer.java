package dev.mxrtc.media.worker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

import dev.mxrtc.media.ipc.Event;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.VideoTrack;

/**
 * One peer connection in the worker: an audio track from a {@link Signal}, an analysed remote audio track, video
 * ({@link PeerVideo}), and one reliable ordered data channel ("mxrtc", created in-band by the offerer).
 *
 * <pre>
 *  new ──create──▶ negotiating ──remote sdp (+answer)──▶ connecting ──CONNECTED──▶ connected (audio pushed)
 *  connected ──video added/removed (offerer) or re-offer (answerer)──▶ renegotiating ──answer applied──▶ connected
 *   any ──close──▶ closed (everything disposed: senders, pc, tracks, sources)
 * </pre>
 *
 * Only the offerer makes offers (no glare): a renegotiation wanted while an offer is out waits for its answer.
 *
 * All methods except {@link #pushFrame()} and {@link #report()} run on the worker's actor thread; libwebrtc's
 * callbacks arrive on its signalling thread and are handed to the actor through {@link Host#post}.
 */
final class WorkerPeer {

    /** What a peer needs from the worker around it. */
    interface Host {
        void post(Runnable task);

        void emit(Event e);

        /** Called on the actor once connected; the host calls {@link #startPushing()} when it is safe. */
        void connected(WorkerPeer peer);

        /** Called on the actor when the connection failed or closed. */
        void settled(WorkerPeer peer);

        /** The received-audio FIFO of the live peer with this id, or null. Any thread. */
        AudioFifo received(String peerId);

        /** A first remote description comes: a send stream (and recording) may start any moment (MediaWorker). */
        void comingUp(WorkerPeer peer);

        /** A renegotiation of a negotiated connection starts: audio pushing pauses (see MediaWorker). */
        void renegotiating(WorkerPeer peer);

        /** That renegotiation finished (answer applied): like a fresh connect for the audio module. */
        void renegotiated(WorkerPeer peer);

        /** Runs {@code task} on the video pump every {@code periodMicros}. */
        java.util.concurrent.ScheduledFuture<?> scheduleVideo(Runnable task, long periodMicros);
    }

    final String id;
    final int gen;
    final boolean audio;
    private final boolean offerer;
    private final Host host;
    private final Signal signal = new Signal();
    private final AudioAnalyzer analyzer = new AudioAnalyzer();
    final AudioFifo received = new AudioFifo();
    private final ReentrantLock audioLock = new ReentrantLock();
    private final List<RTCIceCandidate> pendingCandidates = new ArrayList<>();
    /** Text sent before the data channel opened (connected does not mean the SCTP channel is open yet). */
    private final List<String> pendingSends = new ArrayList<>();
    private static final int MAX_PENDING_SENDS = 10_000;

    private final CustomAudioSource source;
    private final AudioTrack track;
    private final RTCPeerConnection pc;
    private final RTCRtpSender sender;
    // audio == false: source, track and sender are null
    private final PcmBlocks pcmBlocks = new PcmBlocks();
    private volatile boolean audioFrames;
    private final AudioTrackSink sink = this::onRemoteAudio;
    private final PeerVideo video;
    private AudioTrack remoteTrack;
    private RTCDataChannel channel;
    private boolean remoteSet;
    /** The remote description's a=mid values, in m-line order: candidates must name one of them. */
    private List<String> remoteMids = List.of();
    private volatile boolean pushing;
    private volatile boolean closed;
    /** Offerer: an offer is out and its answer not applied yet. */
    private boolean awaitingAnswer;
    /** Offerer: another offer is wanted once the answer is in. */
    private boolean offerAgain;
    /** A first offer/answer completed: later ones are renegotiations. */
    private boolean negotiated;

    WorkerPeer(PeerConnectionFactory factory, String id, int gen, boolean offerer, boolean audio, boolean withVideo,
            Host host) {
        this.id = id;
        this.gen = gen;
        this.offerer = offerer;
        this.audio = audio;
        this.host = host;
        this.source = audio ? new CustomAudioSource() : null;
        this.track = audio ? factory.createAudioTrack("audio-" + id + "-" + gen, source) : null;
        this.pc = factory.createPeerConnection(new RTCConfiguration(), new Observer());
        this.sender = audio ? pc.addTrack(track, List.of("mxrtc")) : null;
        this.video = new PeerVideo(factory, id, gen, host);
        if (offerer && withVideo) {
            video.addToOffer(pc);
        }
        if (offerer) {
            RTCDataChannelInit init = new RTCDataChannelInit();
            init.ordered = true;
            init.negotiated = false;
            init.id = -1;
            init.maxRetransmits = -1;
            init.maxPacketLifeTime = -1;
            attach(pc.createDataChannel("mxrtc", init));
            offer("create");
        }
    }

    private void offer(String op) {
        awaitingAnswer = true;
        pc.createOffer(new RTCOfferOptions(), new CreateObserver(op));
    }

    /** Offerer: a new offer now, or once the outstanding one is answered. */
    private void renegotiate(String op) {
        if (closed) {
            return;
        }
        if (awaitingAnswer) {
            offerAgain = true;
            return;
        }
        host.renegotiating(this);
        offer(op);
    }

    /** Publish a generated pattern; an offerer adds a video section (renegotiating) if there is none. */
    void publishVideo(dev.mxrtc.media.VideoPattern p) {
        video.publish(p);
        if (offerer) {
            if (video.addToOffer(pc)) {
                renegotiate("video");
            }
        } else if (remoteSet && !video.hasSection()) {
            host.emit(new Event.Error(id, gen, "video", "the offer had no video section: frames go out once the"
                    + " offerer offers video"));
        }
    }

    /** One frame from the application instead of the pattern; an offerer adds a video section if there is none. */
    void pushVideoFrame(int width, int height, byte[] i420) {
        boolean first = video.pushExternal(width, height, i420);
        if (first) {
            if (offerer) {
                if (video.addToOffer(pc)) {
                    renegotiate("video");
                }
            } else if (remoteSet && !video.hasSection()) {
                host.emit(new Event.Error(id, gen, "push-frame", "the offer had no video section: frames go out"
                        + " once the offerer offers video"));
            }
        }
    }

    /** Stop publishing video; an offerer makes its section receive-only (renegotiating). */
    void stopVideo() {
        video.stopPushing();
        if (offerer && video.removeFromOffer()) {
            renegotiate("video-stop");
        }
    }

    void frames(int videoFps, boolean audioPcm) {
        video.deliverFrames(videoFps);
        audioFrames = audioPcm;
    }

    Event.Video videoReport(long now) {
        return video.report(now);
    }

    void setSignal(Signal.Spec spec) {
        signal.set(spec);
    }

    void setRemote(String type, String sdp) {
        RTCSdpType t = switch (type) {
            case "offer" -> RTCSdpType.OFFER;
            case "answer" -> RTCSdpType.ANSWER;
            default -> throw new IllegalArgumentException("sdp type must be offer or answer: " + type);
        };
        if (offerer == (t == RTCSdpType.OFFER)) {
            throw new IllegalArgumentException("a " + (offerer ? "offerer" : "answerer") + " cannot take an " + type);
        }
        List<String> mids = sdp.lines().filter(l -> l.startsWith("a=mid:")).map(l -> l.substring(6).trim()).toList();
        boolean again = negotiated;
        if (t == RTCSdpType.OFFER && again) {
            host.renegotiating(this);
        } else if (!again) {
            host.comingUp(this);
        }
        pc.setRemoteDescription(new RTCSessionDescription(t, sdp), new SetObserver("remote-sdp", () -> {
            remoteSet = true;
            remoteMids = mids;
            for (RTCIceCandidate c : pendingCandidates) {
                addCandidateNow(c);
            }
            pendingCandidates.clear();
            if (t == RTCSdpType.OFFER) {
                video.attachToOffered(pc);
                pc.createAnswer(new RTCAnswerOptions(), new CreateObserver("remote-sdp"));
            } else {
                awaitingAnswer = false;
                negotiated = true;
                if (again) {
                    host.renegotiated(this);
                }
                if (offerAgain) {
                    offerAgain = false;
                    renegotiate("renegotiate");
                }
            }
        }));
    }

    void addCandidate(String mid, int index, String candidate) {
        RTCIceCandidate c = new RTCIceCandidate(mid, index, candidate);
        if (remoteSet) {
            addCandidateNow(c);
        } else {
            pendingCandidates.add(c);
        }
    }

    private void addCandidateNow(RTCIceCandidate c) {
        // libwebrtc drops a candidate for an unknown media section silently: say so
        boolean known = c.sdpMid != null ? remoteMids.contains(c.sdpMid)
                : c.sdpMLineIndex >= 0 && c.sdpMLineIndex < remoteMids.size();
        if (!known) {
            host.emit(new Event.Error(id, gen, "candidate", "candidate for an unknown media section (mid "
                    + c.sdpMid + ", index " + c.sdpMLineIndex + ")"));
            return;
        }
        try {
            pc.addIceCandidate(c);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // java.lang.Error is webrtc-java's way of saying libwebrtc refused it
            host.emit(new Event.Error(id, gen, "candidate", "candidate rejected: " + e.getMessage()));
        }
    }

    void send(String text) throws Exception {
        RTCDataChannel ch = channel;
        if (ch == null || ch.getState() != RTCDataChannelState.OPEN || !pendingSends.isEmpty()) {
            if (pendingSends.size() >= MAX_PENDING_SENDS) {
                throw new IllegalStateException("data channel not open and " + MAX_PENDING_SENDS + " messages queued");
            }
            pendingSends.add(text);
            return;
        }
        ch.send(new RTCDataChannelBuffer(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false));
    }

    /** Actor: sends what was queued once the channel is open. */
    private void flushSends() {
        RTCDataChannel ch = channel;
        if (closed || ch == null || ch.getState() != RTCDataChannelState.OPEN) {
            return;
        }
        List<String> queued = List.copyOf(pendingSends);
        pendingSends.clear();
        for (String text : queued) {
            try {
                ch.send(new RTCDataChannelBuffer(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false));
            } catch (Exception e) {
                host.emit(new Event.Error(id, gen, "send", e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
    }

    /** Actor: audio may be pushed from now on (the worker decides when, see MediaWorker#connected). */
    void startPushing() {
        if (!closed) {
            pushing = true;
        }
    }

    /** Pump thread: pushes the next 10 ms of the signal once connected. */
    void pushFrame() {
        if (!pushing || !audio) {
            return;
        }
        byte[] frame = signal.nextFrame(host::received);
        if (frame == null) {
            return;
        }
        audioLock.lock();
        try {
            if (!closed) {
                source.pushAudio(frame, 16, Signal.RATE, 1, Signal.FRAME);
            }
        } finally {
            audioLock.unlock();
        }
    }

    /** libwebrtc's audio thread: analyse, keep for relaying and, if asked, hand on as PCM blocks. */
    private void onRemoteAudio(byte[] data, int bits, int rate, int channels, int frames) {
        analyzer.accept(data, bits, rate, channels, frames);
        received.accept(data, bits, rate, channels, frames);
        if (audioFrames && !closed) {
            pcmBlocks.accept(data, bits, rate, channels, frames,
                    (r, pcm) -> host.emit(new Event.AudioFrame(id, gen, r, pcm)));
        }
    }

    AudioAnalyzer.Report report() {
        return remoteTrack == null ? null : analyzer.report();
    }

    /** Disposes in the order libwebrtc needs: sinks, channel, sender, pc, local track, source. */
    void close() {
        if (closed) {
            return;
        }
        pushing = false;
        audioLock.lock();
        try {
            closed = true;
        } finally {
            audioLock.unlock();
        }
        step(() -> {
            if (remoteTrack != null) {
                remoteTrack.removeSink(sink);
            }
        });
        step(() -> video.detach(pc));
        step(() -> {
            if (channel != null) {
                channel.unregisterObserver();
                channel.close();
                channel.dispose();
            }
        });
        if (audio) {
            step(() -> pc.removeTrack(sender));
        }
        step(pc::close);
        if (audio) {
            step(track::dispose);
            step(source::dispose);
        }
        step(video::dispose);
    }

    private void step(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            System.err.println("media-worker: closing peer " + id + ": " + e);
        }
    }

    private void attach(RTCDataChannel ch) {
        channel = ch;
        ch.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {
            }

            @Override
            public void onStateChange() {
                host.post(WorkerPeer.this::flushSends);
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                ByteBuffer b = buffer.data;
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (!closed) {
                    host.emit(new Event.Data(id, gen, text));
                }
            }
        });
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate c) {
            if (!closed) {
                host.emit(new Event.LocalCandidate(id, gen, c.sdpMid, c.sdpMLineIndex, c.sdp));
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            host.post(() -> {
                if (closed) {
                    return;
                }
                if (state == RTCPeerConnectionState.CONNECTED) {
                    host.connected(WorkerPeer.this);
                } else if (state == RTCPeerConnectionState.FAILED || state == RTCPeerConnectionState.CLOSED) {
                    host.settled(WorkerPeer.this);
                }
                host.emit(new Event.State(id, gen, state.name().toLowerCase(Locale.ROOT)));
            });
        }

        @Override
        public void onDataChannel(RTCDataChannel ch) {
            host.post(() -> {
                if (!closed && channel == null) {
                    attach(ch);
                    flushSends();
                }
            });
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            MediaStreamTrack t = transceiver.getReceiver().getTrack();
            host.post(() -> {
                if (closed) {
                    return;
                }
                if (remoteTrack == null && t instanceof AudioTrack audio) {
                    remoteTrack = audio;
                    audio.addSink(sink);
                } else if (t instanceof VideoTrack v) {
                    video.onRemoteTrack(v);
                }
            });
        }
    }

    private final class CreateObserver implements CreateSessionDescriptionObserver {
        private final String op;

        CreateObserver(String op) {
            this.op = op;
        }

        @Override
        public void onSuccess(RTCSessionDescription desc) {
            host.post(() -> {
                if (!closed) {
                    boolean answer = desc.sdpType != RTCSdpType.OFFER;
                    pc.setLocalDescription(desc, new SetObserver(op, () -> {
                        host.emit(new Event.LocalSdp(id, gen, answer ? "answer" : "offer", desc.sdp));
                        if (answer) {
                            if (negotiated) {
                                host.renegotiated(WorkerPeer.this);
                            }
                            negotiated = true;
                        }
                    }));
                }
            });
        }

        @Override
        public void onFailure(String error) {
            host.emit(new Event.Error(id, gen, op, "creating a description failed: " + error));
        }
    }

    private final class SetObserver implements SetSessionDescriptionObserver {
        private final String op;
        private final Runnable then;

        SetObserver(String op, Runnable then) {
            this.op = op;
            this.then = then;
        }

        @Override
        public void onSuccess() {
            host.post(() -> {
                if (!closed) {
                    then.run();
                }
            });
        }

        @Override
        public void onFailure(String error) {
            host.emit(new Event.Error(id, gen, op, "setting a description failed: " + error));
        }
    }
}
