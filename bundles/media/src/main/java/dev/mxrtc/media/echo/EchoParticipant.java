package dev.mxrtc.media.echo;

import java.util.Objects;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;

/**
 * The example server-side participant: it sends back what it gets. Audio from the remote member is published back to
 * them (decoded, re-encoded, ~10-200 ms later), and every data channel message is returned unchanged. Signalling is
 * the caller's: this listener hands descriptions, candidates and reconnect requests to the {@code signalling}
 * listener it wraps, which also sees every other event.
 */
public final class EchoParticipant implements PeerListener {

    private final PeerListener signalling;
    private final Peer peer;

    private EchoParticipant(MediaEngine engine, String id, PeerRole role, PeerListener signalling) {
        this.signalling = Objects.requireNonNull(signalling, "signalling");
        this.peer = engine.createPeer(id, role, this);
        peer.publishAudioOf(id);
    }

    /** Joins a peer to {@code engine} that echoes the remote member's audio and data. */
    public static Peer start(MediaEngine engine, String id, PeerRole role, PeerListener signalling) {
        return new EchoParticipant(engine, id, role, signalling).peer;
    }

    @Override
    public void onData(String text) {
        peer.send(text);
        signalling.onData(text);
    }

    @Override
    public void onLocalDescription(SessionDescription description) {
        signalling.onLocalDescription(description);
    }

    @Override
    public void onLocalCandidate(IceCandidate candidate) {
        signalling.onLocalCandidate(candidate);
    }

    @Override
    public void onState(PeerState state) {
        signalling.onState(state);
    }

    @Override
    public void onAudio(AudioLevel level) {
        signalling.onAudio(level);
    }

    @Override
    public void onError(String operation, String message) {
        signalling.onError(operation, message);
    }

    @Override
    public void onReconnecting() {
        signalling.onReconnecting();
    }
}
