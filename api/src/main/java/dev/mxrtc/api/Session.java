package dev.mxrtc.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A MatrixRTC session: the members continuously joined to one open slot. Nothing on the wire names a
 * session; every participant computes it from the memberships.
 *
 * @param roomId the room
 * @param slotId the slot
 * @param members the joined members, oldest first (ties keep the order matrix-js-sdk 43 uses)
 * @param startTs when the session started: when the first member joined the empty slot, as observed
 * @param activeTransport the transport every member converges on (the oldest member's choice under its
 *        focus selection); empty if it cannot be determined
 */
public record Session(String roomId, SlotId slotId, List<Member> members, long startTs,
        Optional<Transport> activeTransport) {

    public Session {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(slotId, "slotId");
        members = List.copyOf(members);
        Objects.requireNonNull(activeTransport, "activeTransport");
    }

    /** @return the oldest member, if any */
    public Optional<Member> oldest() {
        return members.isEmpty() ? Optional.empty() : Optional.of(members.get(0));
    }

    /** @return the member with {@code memberId}, if joined */
    public Optional<Member> member(String memberId) {
        return members.stream().filter(m -> m.memberId().equals(memberId)).findFirst();
    }
}
