package dev.mxrtc.core.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/**
 * What changed in one slot since the last {@link RoomEngine#drain()}.
 *
 * @param sizeBefore members before the changes (0 = no session was running)
 * @param sizeAfter members after (0 = no session now)
 */
public record SlotDelta(SlotId slotId, int sizeBefore, int sizeAfter, List<Left> left, List<Member> joined,
        List<Updated> updated, Optional<Transport> activeBefore, Optional<Transport> activeAfter) {

    public SlotDelta {
        Objects.requireNonNull(slotId, "slotId");
        left = List.copyOf(left);
        joined = List.copyOf(joined);
        updated = List.copyOf(updated);
        Objects.requireNonNull(activeBefore, "activeBefore");
        Objects.requireNonNull(activeAfter, "activeAfter");
    }

    /**
     * A member that left, why (a stable reason: {@code left}, {@code expired}, {@code slot_closed}...) and when
     * ({@code origin_server_ts} of the event that ended it, or the expiry instant; not before it joined).
     */
    public record Left(Member member, String reason, long leftTs) {
    }

    /** A member whose membership was re-sent with different content. */
    public record Updated(Member before, Member after) {
    }

    public boolean started() {
        return sizeBefore == 0 && sizeAfter > 0;
    }

    public boolean ended() {
        return sizeBefore > 0 && sizeAfter == 0;
    }
}
