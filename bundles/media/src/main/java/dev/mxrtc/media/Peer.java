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
