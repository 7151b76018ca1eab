package dev.mxrtc.call;

import java.util.Objects;
import java.util.Optional;

/**
 * A valid notification that rings (or notifies) this account: it passed matrix-js-sdk 43's receiving rules.
 *
 * @param roomId the room
 * @param eventId the notification event
 * @param sender who rings
 * @param slotId the slot it invites to
 * @param type ring or notification
 * @param intent the caller's {@code m.call.intent}, if given
 * @param senderTs the sender's {@code sender_ts}
 * @param lifetimeMs the lifetime, capped at 120 s
 * @param expiresTs when the ringing ends at the latest
 * @param membershipEventId the caller's membership event it refers to, if any
 */
public record IncomingRing(String roomId, String eventId, String sender, String slotId, NotificationType type,
        Optional<String> intent, long senderTs, long lifetimeMs, long expiresTs, Optional<String> membershipEventId) {

    public IncomingRing {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(membershipEventId, "membershipEventId");
    }
}
