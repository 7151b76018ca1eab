package dev.mxrtc.media;

import org.osgi.annotation.versioning.ProviderType;

/** Makes peers in the media process and reports on that process. Thread-safe; calls never block on the process. */
@ProviderType
public interface MediaEngine {

    /**
     * A new peer connection to one remote participant. The {@link PeerRole#OFFERER} side creates the offer (delivered
     * to {@link PeerListener#onLocalDescription}); ids are unique per engine.
     *
     * @throws IllegalArgumentException if a peer with this id is open
     */
    Peer createPeer(String id, PeerRole role, PeerListener listener);

    /**
     * Like {@link #createPeer(String, PeerRole, PeerListener)}; without {@code audio} the connection carries only the
     * data channel (no audio track either way, no audio pushed or analysed).
     */
    Peer createPeer(String id, PeerRole role, boolean audio, PeerListener listener);

    /**
     * Like {@link #createPeer(String, PeerRole, PeerListener)} with a choice of media sections: with
     * {@link MediaOptions#video()} the first offer already has a video section, so both sides can publish video at
     * any time without renegotiating. The default implementation supports audio/data only.
     *
     * @throws UnsupportedOperationException if video is asked of an engine without video
     * @since 0.2
     */
    default Peer createPeer(String id, PeerRole role, MediaOptions media, PeerListener listener) {
        if (media.video()) {
            throw new UnsupportedOperationException("this media engine has no video");
        }
        return createPeer(id, role, media.audio(), listener);
    }

    void addWorkerListener(WorkerListener listener);

    void removeWorkerListener(WorkerListener listener);

    /** The media process now: running or not, its pid, how often it was restarted. */
    WorkerStatus status();
}
