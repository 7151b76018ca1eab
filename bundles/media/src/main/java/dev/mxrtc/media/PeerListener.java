package dev.mxrtc.media;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a peer reports. Called on the engine's single event thread, in order: do not block; hand long work elsewhere.
 */
@ConsumerType
public interface PeerListener {

    /** Send this to the remote side through your signalling. */
    default void onLocalDescription(SessionDescription description) {
    }

    /** Send this to the remote side through your signalling. */
    default void onLocalCandidate(IceCandidate candidate) {
    }

    default void onState(PeerState state) {
    }

    default void onData(String text) {
    }

    /** About four times a second once remote audio arrives. */
    default void onAudio(AudioLevel level) {
    }

    /**
     * About twice a second while remote video frames arrive, and once with 0 fps after they stopped.
     *
     * @since 0.2
     */
    default void onVideo(VideoLevel level) {
    }

    /**
     * A decoded remote video frame, only after {@link Peer#receiveVideoFrames(int)} and at most at the rate asked.
     *
     * @since 0.2
     */
    default void onVideoFrame(I420Frame frame) {
    }

    /**
     * Decoded remote audio, mono 16-bit, in blocks of about 100 ms; only after {@link Peer#receiveAudioFrames}. The
     * array is the listener's to keep.
     *
     * @since 0.2
     */
    default void onAudioFrame(short[] pcm, int sampleRate) {
    }

    default void onError(String operation, String message) {
    }

    /**
     * The media process restarted and this peer is being re-created; tell the remote side to {@link Peer#reconnect()}
     * its end (an offerer here sends a fresh offer by itself).
     */
    default void onReconnecting() {
    }
}
