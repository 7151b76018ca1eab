package dev.mxrtc.focus.fullmesh.internal;

import java.util.List;
import java.util.Objects;

import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.SessionDescription;

/**
 * The MSC2746 call events a full mesh exchanges, sent as MSC3401 to-device call events (or over any other
 * signalling transport with the same content). Parsed once at the edge by {@link CallWire}.
 */
sealed interface CallSignal {

    /** The addressing every call event carries. */
    Envelope env();

    /**
     * @param callId one connection between two members; a restart is a new call
     * @param partyId the sender's party (its device id, as matrix-js-sdk does)
     * @param confId the session: the slot id
     * @param roomId the room (an mxrtc addition; absent from js-sdk's events, then empty)
     * @param deviceId the sender's device
     * @param senderSessionId the sender's member id
     * @param destSessionId the receiver's member id
     * @param seq the sender's message counter
     */
    record Envelope(String callId, String partyId, String confId, String roomId, String deviceId,
            String senderSessionId, String destSessionId, long seq) {
        public Envelope {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(partyId, "partyId");
            Objects.requireNonNull(confId, "confId");
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(senderSessionId, "senderSessionId");
            Objects.requireNonNull(destSessionId, "destSessionId");
        }
    }

    /** {@code m.call.invite}: the offer of a new call. */
    record Invite(Envelope env, String sdp, long lifetimeMs) implements CallSignal {
        public Invite {
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    /** {@code m.call.answer}. */
    record Answer(Envelope env, String sdp) implements CallSignal {
        public Answer {
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    /** {@code m.call.candidates}: trickled ICE candidates (end-of-candidates markers are dropped). */
    record Candidates(Envelope env, List<IceCandidate> candidates) implements CallSignal {
        public Candidates {
            Objects.requireNonNull(env, "env");
            candidates = List.copyOf(candidates);
        }
    }

    /** {@code m.call.negotiate}: renegotiation of a connected call (an offer or its answer). */
    record Negotiate(Envelope env, SessionDescription description) implements CallSignal {
        public Negotiate {
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(description, "description");
        }
    }

    /** {@code m.call.hangup}: the call ended (the other side may start a new one). */
    record Hangup(Envelope env, String reason) implements CallSignal {
        public Hangup {
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
