package dev.mxrtc.focus.fullmesh;

import org.osgi.annotation.versioning.ConsumerType;

import dev.mxrtc.api.Member;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoLevel;

/** What a full mesh reports about its peers. Called on the mesh's thread, in order; do not block. */
@ConsumerType
public interface MeshListener {

    /** The connection to {@code remote} changed state (a restart starts again from {@code NEW}). */
    default void onPeerState(Member remote, PeerState state) {
    }

    /** Text arrived on the data channel from {@code remote}. */
    default void onData(Member remote, String text) {
    }

    /** Received audio from {@code remote}: level and dominant frequency, about four times a second. */
    default void onAudio(Member remote, AudioLevel level) {
    }

    /**
     * Received video from {@code remote}: size, frame rate and the mean colour of the picture's centre, about twice a
     * second while frames arrive and once with 0 fps after they stopped.
     *
     * @since 0.2
     */
    default void onVideo(Member remote, VideoLevel level) {
    }

    /** The connection to {@code remote} was torn down for good (the member left, or the mesh closed). */
    default void onPeerClosed(Member remote, String reason) {
    }
}
