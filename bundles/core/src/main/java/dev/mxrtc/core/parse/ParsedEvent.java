package dev.mxrtc.core.parse;

import java.util.Objects;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.Slot;

/** A room event after parsing at the edge: the only form the session computation sees. */
public sealed interface ParsedEvent {

    /** @return the event it was parsed from */
    RoomEvent event();

    /**
     * A sticky {@code m.rtc.member} (either name) with a usable sticky key.
     *
     * @param sender the sender (starts with {@code @})
     * @param stickyKey the MSC4354 sticky key ({@code msc4354_sticky_key}, else {@code sticky_key})
     * @param rank newest-wins rank, {@code origin_server_ts}, as matrix-js-sdk 43
     * @param expiresTs when stickiness ends
     * @param content the parsed content
     */
    record StickyMembership(RoomEvent event, String sender, String stickyKey, long rank, long expiresTs,
            MemberContent content) implements ParsedEvent {
        public StickyMembership {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(stickyKey, "stickyKey");
            Objects.requireNonNull(content, "content");
        }
    }

    /** A legacy {@code org.matrix.msc3401.call.member} state event whose state key the sender owns. */
    record LegacyMembership(RoomEvent event, String stateKey, MemberContent content) implements ParsedEvent {
        public LegacyMembership {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(stateKey, "stateKey");
            Objects.requireNonNull(content, "content");
        }
    }

    /** An {@code m.rtc.slot} state event (either name); malformed content gives a closed slot. */
    record SlotState(RoomEvent event, Slot slot) implements ParsedEvent {
        public SlotState {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(slot, "slot");
        }
    }

    /** An {@code m.room.member} state event: {@code membership} is empty when unreadable. */
    record RoomMembership(RoomEvent event, String userId, String membership) implements ParsedEvent {
        public RoomMembership {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(membership, "membership");
        }

        public boolean joined() {
            return "join".equals(membership);
        }
    }

    /** A MatrixRTC event ignored as a whole, before it can change anything. */
    record Rejected(RoomEvent event, String reason, String detail) implements ParsedEvent {
        public Rejected {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** An event that is not about MatrixRTC. */
    record Unrelated(RoomEvent event) implements ParsedEvent {
        public Unrelated {
            Objects.requireNonNull(event, "event");
        }
    }
}
