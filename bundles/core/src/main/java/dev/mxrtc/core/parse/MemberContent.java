package dev.mxrtc.core.parse;

import java.util.Objects;

import dev.mxrtc.api.Member;

/**
 * What a membership event's content says, once parsed: a joined member, a leave, or content that is not a
 * valid membership (with a stable reason). Invalid content still occupies its key (state key or sticky key):
 * the device is then simply not a member, as in matrix-js-sdk.
 */
public sealed interface MemberContent {

    /** A valid join. */
    record Joined(Member member) implements MemberContent {
        public Joined {
            Objects.requireNonNull(member, "member");
        }
    }

    /** A leave: {@code {}}, only the slot id / sticky key, no application, or {@code member.membership: "leave"}. */
    record Left() implements MemberContent {
    }

    /** Content that is neither a valid join nor a leave. */
    record Invalid(String reason, String detail) implements MemberContent {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
