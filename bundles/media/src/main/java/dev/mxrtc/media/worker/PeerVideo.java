package dev.mxrtc.media.worker;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.VideoPattern;
import dev.mxrtc.media.ipc.Event;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoFrameBuffer;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;

/**
 * The video half of a {@link WorkerPeer}: the local track (a {@link CustomVideoSource} fed with {@link TestPattern}
 * frames by the worker's video pump), the transceiver that carries it, and the remote track with its
 * {@link VideoAnalyzer} and optional frame delivery.
 *
 * <pre>
 *  offerer:  addToOffer ── a transceiver (sendrecv) with the track; the caller renegotiates
 *            removeFromOffer ── track off the sender, recvonly; the caller renegotiates
 *  answerer: attachToOffered (after each remote offer) ── our track on the first offered video section, sendrecv
 *  both:     publish / stopPushing ── frames at the pattern's rate, or none
 *            pushExternal ── the application's frames (pattern stopped) until publish or stopPushing
 * </pre>
 *
 * Actor thread for everything except {@link #pushFrame()} (video pump) and the sink (libwebrtc's decoder thread);
 * one lock keeps a push from racing the disposal of the source.
 */
final class PeerVideo {

    private final PeerConnectionFactory factory;
    private final String trackId;
    private final WorkerPeer.Host host;
    private final String peer;
    private final int gen;
    private final ReentrantLock lock = new ReentrantLock();
    private final VideoAnalyzer analyzer = new VideoAnalyzer();
    private final VideoTrackSink sink = this::onRemoteFrame;
    // actor-owned
    private CustomVideoSource source;
    private VideoTrack track;
    private RTCRtpTransceiver transceiver;
    private boolean onSender;
    private VideoTrack remote;
    private ScheduledFuture<?> pushing;
    private boolean external;
    // pump thread, under lock
    private TestPattern pattern;
    private long frameNo;
    private volatile boolean closed;
    // decoder thread
    private volatile int framesPerSecond;
    private long nextDelivery = System.nanoTime();

    PeerVideo(PeerConnectionFactory factory, String peer, int gen, WorkerPeer.Host host) {
        this.factory = factory;
        this.peer = peer;
        this.gen = gen;
        this.host = host;
        this.trackId = "video-" + peer + "-" + gen;
    }

    private void ensureTrack() {
        if (track == null) {
            source = new CustomVideoSource();
            track = factory.createVideoTrack(trackId, source);
        }
    }

    /** Offerer: make sure our track is sent on a video section; true if the connection must renegotiate. */
    boolean addToOffer(RTCPeerConnection pc) {
        ensureTrack();
        if (transceiver == null) {
            RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
            init.direction = RTCRtpTransceiverDirection.SEND_RECV;
            init.streamIds = List.of("mxrtc");
            transceiver = pc.addTransceiver(track, init);
            onSender = true;
            return true;
        }
        if (!onSender) {
            transceiver.getSender().replaceTrack(track);
            transceiver.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
            onSender = true;
            return true;
        }
        return false;
    }

    /** Offerer: stop sending on the video section (receive only); true if the connection must renegotiate. */
    boolean removeFromOffer() {
        if (transceiver == null || !onSender) {
            return false;
        }
        transceiver.getSender().replaceTrack(null);
        transceiver.setDirection(RTCRtpTransceiverDirection.RECV_ONLY);
        onSender = false;
        return true;
    }

    /**
     * Answerer, after a remote offer was applied and before answering: our track goes on the first offered video
     * section that has no track of ours, so this side can send video whenever it publishes, without an offer of its
     * own. Sending nothing costs nothing: the encoder runs only on pushed frames.
     */
    void attachToOffered(RTCPeerConnection pc) {
        if (transceiver != null) {
            return;
        }
        for (RTCRtpTransceiver t : pc.getTransceivers()) {
            MediaStreamTrack r = t.getReceiver().getTrack();
            if (r != null && MediaStreamTrack.VIDEO_TRACK_KIND.equals(r.getKind())
                    && t.getDirection() != RTCRtpTransceiverDirection.STOPPED) {
                ensureTrack();
                t.getSender().replaceTrack(track);
                t.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
                transceiver = t;
                onSender = true;
                return;
            }
        }
    }

    /** True once our track is on a negotiated (or offered) video section. */
    boolean hasSection() {
        return transceiver != null && onSender;
    }

    /** Starts pushing this pattern's frames (replacing any running pattern). */
    void publish(VideoPattern p) {
        ensureTrack();
        stopPushing();
        lock.lock();
        try {
            pattern = new TestPattern(p);
            frameNo = 0;
        } finally {
            lock.unlock();
        }
        pushing = host.scheduleVideo(this::pushFrame, 1_000_000L / p.fps());
    }

    /**
     * Actor: one application frame into the source, stopping any pattern; true for the first such frame since the
     * last {@link #publish} or {@link #stopPushing} (the caller then makes sure there is a video section).
     */
    boolean pushExternal(int width, int height, byte[] i420) {
        ensureTrack();
        boolean first = !external;
        if (first) {
            stopPushing();
            external = true;
        }
        lock.lock();
        try {
            if (!closed) {
                push(width, height, i420);
            }
        } finally {
            lock.unlock();
        }
        return first;
    }

    void stopPushing() {
        external = false;
        if (pushing != null) {
            pushing.cancel(false);
            pushing = null;
        }
        lock.lock();
        try {
            pattern = null;
        } finally {
            lock.unlock();
        }
    }

    /** Video pump: the next frame of the pattern into the source. */
    void pushFrame() {
        lock.lock();
        try {
            if (closed || pattern == null) {
                return;
            }
            VideoPattern p = pattern.pattern();
            push(p.width(), p.height(), pattern.draw(frameNo++));
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: a packed I420 frame into the source. */
    private void push(int w, int h, byte[] i420) {
        NativeI420Buffer buffer = NativeI420Buffer.allocate(w, h);
        VideoFrame frame;
        try {
            int cw = (w + 1) / 2;
            int ch = (h + 1) / 2;
            copyIn(i420, 0, w, h, buffer.getDataY(), buffer.getStrideY());
            copyIn(i420, w * h, cw, ch, buffer.getDataU(), buffer.getStrideU());
            copyIn(i420, w * h + cw * ch, cw, ch, buffer.getDataV(), buffer.getStrideV());
            frame = new VideoFrame(buffer, System.nanoTime());
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
        try {
            source.pushFrame(frame);
        } finally {
            frame.release();
        }
    }

    private static void copyIn(byte[] src, int offset, int w, int h, ByteBuffer dst, int stride) {
        for (int row = 0; row < h; row++) {
            dst.put(row * stride, src, offset + row * w, w);
        }
    }

    /** A remote video track arrived (a renegotiation can bring a new one): analyse it instead of the old one. */
    void onRemoteTrack(VideoTrack t) {
        if (remote == t) {
            return;
        }
        if (remote != null) {
            remote.removeSink(sink);
        }
        remote = t;
        t.addSink(sink);
    }

    /** Frames delivered as events at most this often (0: none). */
    void deliverFrames(int fps) {
        framesPerSecond = fps;
    }

    Event.Video report(long now) {
        VideoAnalyzer.Report r = analyzer.report(now);
        if (r == null) {
            return null;
        }
        int rgb = I420Frame.rgb(r.y(), r.u(), r.v());
        return new Event.Video(peer, gen, r.width(), r.height(), r.fps(), rgb, r.y(), r.frames());
    }

    /** Decoder thread: libwebrtc hands over a copy of the frame, which must be released here. */
    private void onRemoteFrame(VideoFrame frame) {
        try {
            VideoFrameBuffer b = frame.buffer;
            if (!(b instanceof I420Buffer i) || closed) {
                return;
            }
            int w = i.getWidth();
            int h = i.getHeight();
            analyzer.accept(w, h, i.getDataY(), i.getStrideY(), i.getDataU(), i.getStrideU(), i.getDataV(),
                    i.getStrideV());
            int fps = framesPerSecond;
            long now = System.nanoTime();
            long period = fps > 0 ? 1_000_000_000L / fps : 0;
            if (fps > 0 && now >= nextDelivery) {
                // due times advance by the period (not from each delivery), so jitter does not lower the rate
                nextDelivery = now - nextDelivery > period ? now + period : nextDelivery + period;
                int cw = (w + 1) / 2;
                int ch = (h + 1) / 2;
                byte[] packed = new byte[I420Frame.size(w, h)];
                copyOut(i.getDataY(), i.getStrideY(), w, h, packed, 0);
                copyOut(i.getDataU(), i.getStrideU(), cw, ch, packed, w * h);
                copyOut(i.getDataV(), i.getStrideV(), cw, ch, packed, w * h + cw * ch);
                host.emit(new Event.VideoFrame(peer, gen, w, h, frame.timestampNs / 1000, packed));
            }
        } finally {
            frame.release();
        }
    }

    private static void copyOut(ByteBuffer src, int stride, int w, int h, byte[] dst, int offset) {
        for (int row = 0; row < h; row++) {
            src.get(row * stride, dst, offset + row * w, w);
        }
    }

    /** Before the connection closes: no more pushes, no more frames in, our track off its sender. */
    void detach(RTCPeerConnection pc) {
        stopPushing();
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        if (remote != null) {
            remote.removeSink(sink);
        }
        if (transceiver != null && onSender) {
            pc.removeTrack(transceiver.getSender());
            onSender = false;
        }
    }

    /** After the connection closed: the local track, then its source. */
    void dispose() {
        if (track != null) {
            track.dispose();
        }
        if (source != null) {
            source.dispose();
        }
    }
}
