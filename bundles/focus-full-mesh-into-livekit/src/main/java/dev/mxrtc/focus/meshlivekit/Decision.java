package dev.mxrtc.focus.meshlivekit;

import java.util.Objects;
import java.util.OptionalLong;

import dev.mxrtc.api.Transport;

/**
 * The answer of {@code full_mesh_into_livekit}: the same for every member that sees the same member events.
 * {@link #changesAt()} is the instant at which the answer changes by itself if no event arrives (a hold ending),
 * so a runtime can schedule its next evaluation without polling.
 */
public sealed interface Decision {

    /** @return the next instant (ms since the epoch) the answer changes without new events, if any */
    OptionalLong changesAt();

    /** Media flows in full mesh, signalled as {@code transport} (the oldest member's {@code full_mesh}). */
    record Mesh(Transport transport, OptionalLong changesAt) implements Decision {
        public Mesh {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(changesAt, "changesAt");
        }
    }

    /** Everyone uses {@code transport}, the oldest member's LiveKit SFU, for {@code reason}. */
    record Sfu(Transport transport, Reason reason, OptionalLong changesAt) implements Decision {
        public Sfu {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(changesAt, "changesAt");
        }
    }

    /** No member publishes a transport that fits; the session cannot converge on media. */
    record NoTransport(String why) implements Decision {
        public NoTransport {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public OptionalLong changesAt() {
            return OptionalLong.empty();
        }
    }

    /** Why the session is on the SFU. */
    enum Reason {
        /** More than {@code max_mesh_members} members are joined now. */
        OVER_MAX_MEMBERS,
        /** A joined member cannot mesh. */
        MEMBER_CANNOT_MESH,
        /** Back at or below {@code mesh_return_members}, but not yet for {@code mesh_hold_ms}. */
        HOLDING,
        /** After an SFU period, still above {@code mesh_return_members}. */
        ABOVE_RETURN_THRESHOLD
    }
}
