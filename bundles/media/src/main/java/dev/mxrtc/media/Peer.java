package dev.mxrtc.media;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One WebRTC peer connection in the media process, kept across process restarts: after a restart (or
 * {@link #reconnect()}) it is a new connection with the same id, role and published audio. All calls are
 * asynchronous; failures come back through {@link PeerListener#onError}.
 */
@ProviderType
public interface Peer extends AutoCloseable {

    String id();

    PeerRole role();

    void setRemoteDescription(SessionDescription description);

    void addIceCandidate(IceCandidate candidate);

    /** Publish a sine tone; 0 Hz publishes silence. */
    void publishTone(double hz);

    /** Publish PCM (16-bit, mono, 48 kHz), looped until something else is published. */
    void publishPcm(short[] samples);

    /**
     * Publish the decoded audio this engine receives from peer {@code fromPeerId} (this peer's own id makes an echo),
     * with up to ~200 ms of buffering; silence while that peer sends nothing.
     */
    void publishAudioOf(String fromPeerId);

    /**
     * Publish a generated video pattern (replacing any published before). On an {@link PeerRole#OFFERER} whose
     * connection has no video section yet this adds one and renegotiates (a new offer through
     * {@link PeerListener#onLocalDescription}). An answerer sends video on the video section the offerer offered; when
     * there is none yet, frames start as soon as the offerer offers video. Survives media process restarts.
     *
     * @since 0.2
     */
    default void publishVideo(VideoPattern pattern) {
        throw new UnsupportedOperationException("this peer has no video");
    }

    /**
     * Send one frame the application made, instead of a generated pattern, until {@link #publishVideo} or
     * {@link #stopVideo}; the app pushes at its own rate (the encoder runs on each pushed frame). The peer gets video
     * as with {@link #publishVideo} (an offerer without a video section adds one and renegotiates). Each frame is one
     * IPC command (base64 of the I420 planes, ~154 kB for 320x240); when more than
     * {@value #MAX_PUSHED_FRAMES_IN_FLIGHT} frames of this peer wait to be written to the media process, the newest is
     * dropped. After a media process restart the last pushed frame is sent once again; the app keeps pushing.
     *
     * @throws IllegalArgumentException if the frame is larger than 1280x720 pixels (either orientation)
     * @since 0.2 (the package is unreleased: additions this cycle stay in 0.2.0)
     */
    default void publishVideoFrame(I420Frame frame) {
        throw new UnsupportedOperationException("this peer has no video");
    }

    /** Frames {@link #publishVideoFrame} lets wait for the media process per peer before it drops. */
    int MAX_PUSHED_FRAMES_IN_FLIGHT = 3;

    /**
     * Stop sending video. An offerer also sets its video section to receive-only and renegotiates; an answerer just
     * stops sending frames.
     *
     * @since 0.2
     */
    default void stopVideo() {
        throw new UnsupportedOperationException("this peer has no video");
    }

    /**
     * Deliver decoded remote video frames to {@link PeerListener#onVideoFrame} at most {@code maxFramesPerSecond}
     * times a second (1..30); 0 turns it off (the default). Each 320x180 frame is ~86 kB raw, ~115 kB on the IPC.
     *
     * @since 0.2
     */
    default void receiveVideoFrames(int maxFramesPerSecond) {
        throw new UnsupportedOperationException("this peer has no video");
    }

    /**
     * Deliver the decoded remote audio to {@link PeerListener#onAudioFrame} in 100 ms blocks of mono 16-bit PCM; off
     * by default (it costs ~128 kB/s of IPC per peer).
     *
     * @since 0.2
     */
    default void receiveAudioFrames(boolean on) {
        throw new UnsupportedOperationException("this peer does not deliver PCM");
    }

    /** Send text on the data channel (reliable, ordered). */
    void send(String text);

    /**
     * Replace the connection with a new one (same id, role, published audio), e.g. because the remote side's media
     * process restarted. An offerer produces a new offer.
     */
    void reconnect();

    @Override
    void close();
}
