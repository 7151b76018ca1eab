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

    void addWorkerListener(WorkerListener listener);

    void removeWorkerListener(WorkerListener listener);

    /** The media process now: running or not, its pid, how often it was restarted. */
    WorkerStatus status();
}
