package dev.mxrtc.focus.fullmesh.internal;

import dev.mxrtc.api.Member;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoLevel;

/** What a {@link PeerLink} needs from its mesh; called on the mesh's actor. */
interface LinkHost {
    Actor actor();

    MeshSettings settings();

    Member self();

    Peer createPeer(String id, PeerRole role, PeerListener listener);

    /** Publishes the mesh's current audio on a peer. */
    void applyAudio(Peer peer);

    /**
     * Publishes the mesh's current video on a peer; {@code fresh}: a peer just made, on which nothing needs
     * stopping when the mesh publishes no video.
     */
    void applyVideo(Peer peer, boolean fresh);

    void signal(Member to, CallSignal.Envelope env, PeerLink.SignalBody body);

    CallSignal.Envelope envelope(Member to, String callId);

    void peerState(Member remote, PeerState state);

    void data(Member remote, String text);

    void audio(Member remote, AudioLevel level);

    void video(Member remote, VideoLevel level);
}
