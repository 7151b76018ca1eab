package dev.mxrtc.call.ring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.SlotId;
import dev.mxrtc.call.Mentions;
import dev.mxrtc.call.NotificationType;

/**
 * The schema-checked content of an {@code org.matrix.msc4075.rtc.notification} (the flat js-sdk 43 shape), before
 * the receiving rules ({@link RingRules}). Parsing follows js-sdk 43's {@code parseCallNotificationContent} up to
 * the point where it needs the room; the slot may still have to be derived from the referenced membership.
 *
 * @param slotId the {@code slot_id}; empty for notifications predating it (then derived from the membership)
 * @param stickyKey the {@code msc4354_sticky_key}, if present
 * @param senderTs the {@code sender_ts}
 * @param lifetimeMs the lifetime, capped at {@value RingRules#MAX_LIFETIME_MS} ms
 * @param mentions the mentions (validated: a room mention or at least one user)
 * @param type {@code notification_type} (absent means ring)
 * @param intent {@code m.call.intent}, if a string
 * @param membershipEventId the {@code m.reference} target, if any
 */
public record Notification(Optional<String> slotId, Optional<String> stickyKey, long senderTs, long lifetimeMs,
        Mentions mentions, NotificationType type, Optional<String> intent, Optional<String> membershipEventId) {

    public Notification {
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(stickyKey, "stickyKey");
        Objects.requireNonNull(mentions, "mentions");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(membershipEventId, "membershipEventId");
    }

    /** The outcome of {@link #parse}. */
    public sealed interface Parsed {
        record Ok(Notification notification) implements Parsed {
        }

        record Invalid(String reason, String detail) implements Parsed {
        }
    }

    /** @return the parsed content, or why it is no notification */
    public static Parsed parse(JsonNode content) {
        if (content == null || !content.isObject()) {
            return new Parsed.Invalid("malformed_content", "content is not an object");
        }
        if (isWithdrawal(content)) {
            return new Parsed.Invalid("withdrawn", "content holds only the sticky key");
        }
        JsonNode slot = content.get("slot_id");
        Optional<String> slotId = Optional.empty();
        if (slot != null) {
            if (!slot.isTextual() || !SlotId.isValid(slot.asText())) {
                return new Parsed.Invalid("bad_slot_id", "slot_id must be {application}#{id}");
            }
            slotId = Optional.of(slot.asText());
        }
        Optional<String> membership = referenceTarget(content);
        if (slotId.isEmpty() && membership.isEmpty()) {
            return new Parsed.Invalid("no_slot_id", "no slot_id and no m.reference to derive it from");
        }
        JsonNode key = content.get("msc4354_sticky_key");
        Optional<String> stickyKey = key == null ? Optional.empty() : Optional.of(key.isTextual() ? key.asText() : key.toString());
        if (!isNonNegativeInteger(content.get("sender_ts"))) {
            return new Parsed.Invalid("bad_sender_ts", "sender_ts must be a non-negative integer");
        }
        if (!isNonNegativeInteger(content.get("lifetime"))) {
            return new Parsed.Invalid("bad_lifetime", "lifetime must be a non-negative integer");
        }
        JsonNode m = content.get("m.mentions");
        if (m == null || !m.isObject()) {
            return new Parsed.Invalid("bad_mentions", "m.mentions missing or not an object");
        }
        JsonNode room = m.get("room");
        if (room != null && !room.isBoolean()) {
            return new Parsed.Invalid("bad_mentions", "m.mentions.room is not a boolean");
        }
        JsonNode users = m.get("user_ids");
        List<String> userIds = new ArrayList<>();
        if (users != null) {
            if (!users.isArray()) {
                return new Parsed.Invalid("bad_mentions", "m.mentions.user_ids is not an array");
            }
            for (JsonNode u : users) {
                if (!u.isTextual()) {
                    return new Parsed.Invalid("bad_mentions", "m.mentions.user_ids holds a non-string");
                }
                userIds.add(u.asText());
            }
        }
        boolean roomMention = room != null && room.asBoolean();
        if (!roomMention && userIds.isEmpty()) {
            return new Parsed.Invalid("no_mention_target", "m.mentions targets neither the room nor a user");
        }
        long lifetime = Math.min(content.get("lifetime").asLong(), RingRules.MAX_LIFETIME_MS);
        JsonNode type = content.get("notification_type");
        JsonNode intent = content.get("m.call.intent");
        return new Parsed.Ok(new Notification(slotId, stickyKey, content.get("sender_ts").asLong(), lifetime,
                new Mentions(userIds, roomMention), NotificationType.fromWire(type == null ? null : type.asText()),
                intent != null && intent.isTextual() ? Optional.of(intent.asText()) : Optional.empty(), membership));
    }

    /** Withdrawn sticky event (MSC4354): nothing but the sticky key (an empty content too, as in js-sdk). */
    static boolean isWithdrawal(JsonNode content) {
        for (Iterator<Map.Entry<String, JsonNode>> it = content.fields(); it.hasNext();) {
            if (!it.next().getKey().equals("msc4354_sticky_key")) {
                return false;
            }
        }
        return true;
    }

    static Optional<String> referenceTarget(JsonNode content) {
        JsonNode rel = content.path("m.relates_to");
        JsonNode id = rel.get("event_id");
        return "m.reference".equals(rel.path("rel_type").asText(null)) && id != null && id.isTextual()
                ? Optional.of(id.asText()) : Optional.empty();
    }

    /** JavaScript's {@code Number.isInteger(v) && v >= 0}. */
    static boolean isNonNegativeInteger(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return false;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() && v.asLong() >= 0;
        }
        double d = v.asDouble();
        return Double.isFinite(d) && d == Math.rint(d) && d >= 0 && d <= Long.MAX_VALUE;
    }
}
