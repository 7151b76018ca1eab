package dev.mxrtc.core.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/** A session as computed from the room's memberships at one instant: members oldest first, active transport. */
public record ComputedSession(SlotId slotId, List<Member> members, Optional<Transport> activeTransport) {

    public ComputedSession {
        Objects.requireNonNull(slotId, "slotId");
        members = List.copyOf(members);
        Objects.requireNonNull(activeTransport, "activeTransport");
    }
}
