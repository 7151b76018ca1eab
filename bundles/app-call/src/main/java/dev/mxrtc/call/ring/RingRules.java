package dev.mxrtc.call.ring;

import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * MSC4075's receiving rules as matrix-js-sdk 43 applies them ({@code parseCallNotificationContent} and
 * {@code checkCallNotificationReceivingRules} in {@code src/matrixrtc/types.ts}), as a pure function of the event,
 * its content and {@link RingFacts}. The first failing rule gives the reason, in js-sdk's order:
 *
 * <ol>
 * <li>schema ({@link Notification#parse}): withdrawn, slot id, sender_ts/lifetime, mentions; lifetime capped at 120 s;
 * <li>the slot (from {@code slot_id}, or the referenced legacy membership); sticky key equals the slot;
 * <li>not sent by the receiving user; if sticky, the current sticky notification of its sender for the slot;
 * <li>the slot exists and is open;
 * <li>not expired: expiry = min(basis + lifetime, now + 120 s), basis = {@code sender_ts} unless it is more than
 *     20 s ahead of {@code origin_server_ts}, then {@code origin_server_ts};
 * <li>mentions the receiving user, or the room with a sender allowed to notify the room;
 * <li>the receiving user did not leave the slot after it was sent and is not joined to it;
 * <li>the receiving user did not decline it.
 * </ol>
 */
public final class RingRules {

    /** Receivers cap the lifetime at 2 minutes. */
    public static final long MAX_LIFETIME_MS = 120_000L;
    /** How far {@code sender_ts} may lie ahead of {@code origin_server_ts} before the latter is the basis. */
    public static final long MAX_SENDER_TS_AHEAD_MS = 20_000L;

    private RingRules() {
    }

    /** The outcome of {@link #check}. */
    public sealed interface Verdict {
        /** It rings until {@code expiresTs}. */
        record Rings(Notification notification, String slotId, long expiresTs) implements Verdict {
        }

        /** It does not ring. */
        record NoRing(String reason, String detail) implements Verdict {
            public NoRing {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(detail, "detail");
            }
        }
    }

    /** The event as received. */
    public record NotificationEvent(String eventId, String sender, long originServerTs, boolean sticky,
            JsonNode content) {
    }

    public static Verdict check(NotificationEvent event, RingFacts facts) {
        return switch (Notification.parse(event.content())) {
            case Notification.Parsed.Invalid invalid -> new Verdict.NoRing(invalid.reason(), invalid.detail());
            case Notification.Parsed.Ok ok -> check(event, ok.notification(), facts);
        };
    }

    static Verdict check(NotificationEvent event, Notification n, RingFacts facts) {
        Optional<String> resolved = n.slotId().isPresent() ? n.slotId()
                : facts.legacyMembershipSlot(n.membershipEventId().orElseThrow());
        if (resolved.isEmpty()) {
            return new Verdict.NoRing("unknown_membership",
                    "no slot_id and the referenced event is not a current membership");
        }
        String slot = resolved.get();
        if (n.stickyKey().isPresent() && !n.stickyKey().get().equals(slot)) {
            return new Verdict.NoRing("sticky_key_mismatch", "msc4354_sticky_key must equal slot_id");
        }
        if (event.sender().equals(facts.me())) {
            return new Verdict.NoRing("own_notification", "sent by the receiving user");
        }
        if (event.sticky() && !facts.currentStickyNotification(event.sender(), slot)
                .map(event.eventId()::equals).orElse(false)) {
            return new Verdict.NoRing("not_current_sticky", "superseded by a newer notification of the sender");
        }
        if (!facts.slotOpen(slot).orElse(false)) {
            return new Verdict.NoRing("slot_not_open", "slot " + slot + " does not exist or is closed");
        }
        long now = facts.now();
        long expires = expiry(n.senderTs(), n.lifetimeMs(), event.originServerTs(), now);
        if (now >= expires) {
            return new Verdict.NoRing("expired", "lifetime elapsed");
        }
        boolean mentionsMe = n.mentions().userIds().contains(facts.me());
        boolean mentionsRoom = n.mentions().room() && facts.mayNotifyRoom(event.sender());
        if (!mentionsMe && !mentionsRoom) {
            return new Verdict.NoRing("not_mentioned", "does not mention the receiving user");
        }
        if (facts.ownLeftTs(slot).isPresent() && facts.ownLeftTs(slot).getAsLong() >= event.originServerTs()) {
            return new Verdict.NoRing("left_after", "the receiving user left the slot after it was sent");
        }
        if (facts.joined(slot)) {
            return new Verdict.NoRing("already_joined", "the receiving user is joined to " + slot);
        }
        if (facts.declined(event.eventId())) {
            return new Verdict.NoRing("declined", "the receiving user declined it");
        }
        return new Verdict.Rings(n, slot, expires);
    }

    /** js-sdk's {@code getCallNotificationExpiry}. */
    public static long expiry(long senderTs, long lifetimeMs, long originServerTs, long now) {
        long basis = senderTs - originServerTs > MAX_SENDER_TS_AHEAD_MS ? originServerTs : senderTs;
        return Math.min(basis + lifetimeMs, now + MAX_LIFETIME_MS);
    }
}
