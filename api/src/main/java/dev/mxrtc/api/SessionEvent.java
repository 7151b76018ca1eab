package dev.mxrtc.api;

import java.util.Optional;

/**
 * What changed in a session. Delivered in order, per room, to every {@link RtcSessionListener}.
 */
public sealed interface SessionEvent {

    /** @return the session after the change (for {@link SessionEnded}: as it was when it ended) */
    Session session();

    /** The first member joined an empty slot. */
    record SessionStarted(Session session) implements SessionEvent {
    }

    /** The last member left. {@code endTs} is when it was observed. */
    record SessionEnded(Session session, long endTs) implements SessionEvent {
    }

    /** A member joined. */
    record MemberJoined(Session session, Member member) implements SessionEvent {
    }

    /** A member left (a leave event, an expiry, a closed slot, or its sender left the room). */
    record MemberLeft(Session session, Member member, String reason) implements SessionEvent {
    }

    /** A joined member's membership was re-sent with different content. */
    record MemberUpdated(Session session, Member before, Member after) implements SessionEvent {
    }

    /** The transport all members converge on changed. */
    record ActiveTransportChanged(Session session, Optional<Transport> before, Optional<Transport> after)
            implements SessionEvent {
    }
}
