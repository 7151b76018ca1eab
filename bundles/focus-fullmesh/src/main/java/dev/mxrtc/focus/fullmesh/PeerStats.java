package dev.mxrtc.focus.fullmesh;

import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoLevel;

/**
 * One peer of a full mesh.
 *
 * @param userId the remote member's user
 * @param deviceId the remote member's device
 * @param memberId the remote member id
 * @param offerer whether the local side makes the offers to this member
 * @param state the connection state now
 * @param callId the MSC2746 call id of the current connection (empty while none)
 * @param calls how many calls (connections) were started to or accepted from this member
 * @param restarts how many of those replaced a failed, timed-out or hung-up connection
 * @param firstConnectedMs from the member appearing to the first {@code connected}; -1 until then
 * @param messagesSent data-channel messages sent
 * @param messagesReceived data-channel messages received
 * @param lastAudio the last received audio measurement, if any
 * @param lastVideo the last received video summary, if any (since 0.2)
 */
public record PeerStats(String userId, String deviceId, String memberId, boolean offerer, PeerState state,
        String callId, int calls, int restarts, long firstConnectedMs, long messagesSent, long messagesReceived,
        Optional<AudioLevel> lastAudio, Optional<VideoLevel> lastVideo) {

    public PeerStats {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(lastAudio, "lastAudio");
        Objects.requireNonNull(lastVideo, "lastVideo");
    }

    /** The 0.1 shape: no video received. */
    public PeerStats(String userId, String deviceId, String memberId, boolean offerer, PeerState state,
            String callId, int calls, int restarts, long firstConnectedMs, long messagesSent, long messagesReceived,
            Optional<AudioLevel> lastAudio) {
        this(userId, deviceId, memberId, offerer, state, callId, calls, restarts, firstConnectedMs, messagesSent,
                messagesReceived, lastAudio, Optional.empty());
    }
}
