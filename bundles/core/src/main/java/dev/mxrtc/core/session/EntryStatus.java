package dev.mxrtc.core.session;

import java.util.Objects;

import dev.mxrtc.api.Member;

/** Whether an entry makes a member now, and if not why. */
public sealed interface EntryStatus {

    /** The entry is a joined member at this position. */
    record Joined(Member member, OrderKey order) implements EntryStatus {
        public Joined {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(order, "order");
        }
    }

    /** The entry makes no member, for a stable reason. */
    record Excluded(String reason) implements EntryStatus {
        public Excluded {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
