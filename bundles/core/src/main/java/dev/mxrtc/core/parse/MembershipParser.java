package dev.mxrtc.core.parse;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Encryption;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.Slot;
import dev.mxrtc.api.SlotId;

/**
 * Parses room events into {@link ParsedEvent}s, once, at the edge. Never throws for bad input: every
 * MatrixRTC event it cannot use comes back as {@link ParsedEvent.Rejected} or as invalid
 * {@link MemberContent} with a short, stable reason.
 *
 * <p>Stateless and thread-safe.
 */
public final class MembershipParser {

    /** Content larger than this (UTF-8 bytes) is rejected as {@code too_large}. */
    public static final int MAX_CONTENT_BYTES = 64 * 1024;
    /** MSC4354: stickiness lasts at most one hour. */
    public static final long MAX_STICKY_MS = 60L * 60 * 1000;

    public ParsedEvent parse(RoomEvent event) {
        String type = event.type();
        if (EventTypes.isRtcMember(type)) {
            return sticky(event);
        }
        if (EventTypes.CALL_MEMBER_LEGACY.equals(type)) {
            return legacy(event);
        }
        if (EventTypes.isRtcSlot(type)) {
            return slot(event);
        }
        if (EventTypes.ROOM_MEMBER.equals(type) && event.stateKey().isPresent()) {
            return roomMember(event);
        }
        if (EventTypes.isUnknownRtcType(type)) {
            return new ParsedEvent.Rejected(event, "unknown_type", "not a MatrixRTC type this core knows");
        }
        return new ParsedEvent.Unrelated(event);
    }

    private ParsedEvent sticky(RoomEvent event) {
        if (event.isState()) {
            return new ParsedEvent.Rejected(event, "invalid_state_key", "m.rtc.member is not a state event");
        }
        if (event.stickyDurationMs().isEmpty()) {
            return new ParsedEvent.Rejected(event, "missing_field:msc4354_sticky", "not a sticky event");
        }
        long duration = event.stickyDurationMs().getAsLong();
        if (duration <= 0) {
            return new ParsedEvent.Rejected(event, "expired", "sticky for no time at all");
        }
        if (!event.sender().startsWith("@")) {
            return new ParsedEvent.Rejected(event, "invalid_sender", "sender is not a user id");
        }
        Optional<JsonNode> parsed = content(event);
        if (parsed.isEmpty() || !parsed.get().isObject()) {
            return new ParsedEvent.Rejected(event, reasonOf(event, parsed), "content is unusable");
        }
        JsonNode content = parsed.get();
        JsonNode unstableKey = content.get("msc4354_sticky_key");
        JsonNode stableKey = content.get("sticky_key");
        String key;
        if (unstableKey != null) {
            if (!unstableKey.isTextual()) {
                return new ParsedEvent.Rejected(event, "wrong_type:msc4354_sticky_key", "must be a string");
            }
            key = unstableKey.textValue();
        } else if (stableKey != null) {
            if (!stableKey.isTextual()) {
                return new ParsedEvent.Rejected(event, "wrong_type:sticky_key", "must be a string");
            }
            key = stableKey.textValue();
        } else {
            return LeftContent.isLeft(content)
                    ? new ParsedEvent.Rejected(event, "left", "a leave without a sticky key")
                    : new ParsedEvent.Rejected(event, "missing_field:msc4354_sticky_key", "no sticky key");
        }
        long capped = Math.min(duration, MAX_STICKY_MS);
        long ttl = event.stickyTtlMs().orElse(0);
        long expiresTs = ttl > 0
                ? event.receivedTs() + Math.min(ttl, MAX_STICKY_MS)
                : Math.min(event.receivedTs(), event.originServerTs()) + capped;
        MemberContent member = RtcMemberParser.parse(event, content, key, expiresTs);
        // Newest wins by origin_server_ts, as matrix-js-sdk 43 orders its sticky store: every member must agree
        // on which of a sender's updates is current (MSC4354 ranks by ts + duration; equal for equal durations).
        return new ParsedEvent.StickyMembership(event, event.sender(), key, event.originServerTs(), expiresTs, member);
    }

    private ParsedEvent legacy(RoomEvent event) {
        if (event.stateKey().isEmpty()) {
            return new ParsedEvent.Rejected(event, "missing_field:state_key", "call.member is a state event");
        }
        String stateKey = event.stateKey().get();
        if (!event.sender().startsWith("@")) {
            return new ParsedEvent.Rejected(event, "invalid_sender", "sender is not a user id");
        }
        String owner = LegacyMemberParser.stateKeyOwner(event.sender(), stateKey);
        if (owner != null) {
            return new ParsedEvent.Rejected(event, owner, "the state key is not the sender's");
        }
        Optional<JsonNode> parsed = content(event);
        MemberContent member;
        if (parsed.isEmpty() || !parsed.get().isObject()) {
            // still the room's state for this key: the device is just not a member
            member = new MemberContent.Invalid(reasonOf(event, parsed), "content is unusable");
        } else {
            member = LegacyMemberParser.parse(event, parsed.get(), stateKey);
        }
        return new ParsedEvent.LegacyMembership(event, stateKey, member);
    }

    private ParsedEvent slot(RoomEvent event) {
        if (event.stateKey().isEmpty()) {
            return new ParsedEvent.Rejected(event, "missing_field:state_key", "rtc.slot is a state event");
        }
        String id = event.stateKey().get();
        if (!SlotId.isValid(id)) {
            return new ParsedEvent.Rejected(event, "invalid_slot_id", "state key is not a slot id");
        }
        SlotId slotId = new SlotId(id);
        JsonNode content = content(event).filter(JsonNode::isObject).orElse(null);
        if (content == null) {
            return new ParsedEvent.SlotState(event,
                    new Slot(event.roomId(), slotId, false, Optional.empty(), Optional.empty()));
        }
        JsonNode app = content.get("application");
        Optional<Application> application = app != null && app.isObject() && app.path("type").isTextual()
                ? Optional.of(new Application(app.get("type").textValue(), Json.toMap(app, "type")))
                : Optional.empty();
        JsonNode enc = content.get("encryption");
        Optional<Encryption> encryption = enc != null && enc.isObject() && enc.path("type").isTextual()
                ? Optional.of(new Encryption(enc.get("type").textValue()))
                : Optional.empty();
        // js-sdk isSlotClosed: open only if status is "open" and application.type is the slot's application
        boolean open = "open".equals(content.path("status").textValue())
                && application.map(a -> a.type().equals(slotId.application())).orElse(false);
        return new ParsedEvent.SlotState(event, new Slot(event.roomId(), slotId, open, application, encryption));
    }

    private ParsedEvent roomMember(RoomEvent event) {
        String membership = content(event).map(c -> c.path("membership").textValue()).orElse(null);
        return new ParsedEvent.RoomMembership(event, event.stateKey().get(), membership == null ? "" : membership);
    }

    private static Optional<JsonNode> content(RoomEvent event) {
        if (Json.utf8Length(event.contentJson(), MAX_CONTENT_BYTES) > MAX_CONTENT_BYTES) {
            return Optional.empty();
        }
        return Json.parse(event.contentJson());
    }

    private static String reasonOf(RoomEvent event, Optional<JsonNode> parsed) {
        if (Json.utf8Length(event.contentJson(), MAX_CONTENT_BYTES) > MAX_CONTENT_BYTES) {
            return "too_large";
        }
        return parsed.isEmpty() ? "not_json" : "not_an_object";
    }
}
