package dev.mxrtc.focus.livekit;

import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.ParticipantUpdate;
import livekit.LivekitRtc.TrackPublishedResponse;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalTarget;

/**
 * What a {@link SignalClient} reports, on its own single thread, in order. Implementations must not block; they
 * hand media work (peer connections in {@code dev.mxrtc.media}) to their own executor.
 */
public interface SignalListener {

    /**
     * Joined the room. After a full reconnect ({@code fullReconnect}) the SFU knows nothing of the old session:
     * make new peer connections (publisher offers again, the SFU offers the subscriber again).
     */
    default void onJoined(JoinResponse join, boolean fullReconnect) {
    }

    /** The websocket was resumed on the same participant: restart ICE on the existing peer connections. */
    default void onResumed(ReconnectResponse reconnect) {
    }

    /** The SFU offers the subscriber peer connection: answer it with {@link SignalClient#sendAnswer}. */
    default void onOffer(SessionDescription offer) {
    }

    /** The SFU answers the publisher's offer. */
    default void onAnswer(SessionDescription answer) {
    }

    /** A remote ICE candidate (JSON {@code RTCIceCandidateInit}) for the publisher or the subscriber. */
    default void onTrickle(SignalTarget target, String candidateInit) {
    }

    /** The SFU accepted a track announced with {@link SignalClient#sendAddTrack} (matched by {@code cid}). */
    default void onTrackPublished(TrackPublishedResponse published) {
    }

    /** Other participants joined, left, or published or unpublished tracks. */
    default void onParticipantUpdate(ParticipantUpdate update) {
    }

    /** The client's state changed (see the diagram in {@link SignalClient}). */
    default void onState(SignalClient.State state) {
    }
}
