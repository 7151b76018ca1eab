package dev.mxrtc.core.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/**
 * The content of a sticky {@code m.rtc.member}, validated as matrix-js-sdk 43 {@code checkRtcMembershipData}
 * does (the intermediate shape it sends: {@code member{id,user_id,device_id}}, {@code transports},
 * {@code versions}), plus the MSC4143 {@code member.membership: "leave"}.
 */
final class RtcMemberParser {

    /** matrix-js-sdk MXID_PATTERN, used unanchored as JavaScript's {@code RegExp.test} does. */
    private static final Pattern MXID = Pattern.compile("@.+:.+");

    private RtcMemberParser() {
    }

    static MemberContent parse(RoomEvent event, JsonNode content, String stickyKey, long expiresTs) {
        if (LeftContent.isLeft(content) || isMscLeave(content)) {
            return new MemberContent.Left();
        }
        Optional<MemberContent> filtered = LeftContent.quickFilter(content);
        if (filtered.isPresent()) {
            return filtered.get();
        }
        try {
            return new MemberContent.Joined(member(event, content, stickyKey, expiresTs));
        } catch (ContentError e) {
            return e.toContent();
        }
    }

    private static boolean isMscLeave(JsonNode content) {
        JsonNode member = content.get("member");
        return member != null && member.isObject() && "leave".equals(member.path("membership").textValue());
    }

    private static Member member(RoomEvent event, JsonNode content, String stickyKey, long expiresTs) {
        JsonNode application = ContentError.object(content, "application", "application");
        String appType = ContentError.string(application, "type", "application.type");
        if (appType.contains("#")) {
            throw new ContentError("malformed_content", "application.type must not contain '#'");
        }
        JsonNode member = ContentError.object(content, "member", "member");
        String userId = ContentError.string(member, "user_id", "member.user_id");
        if (!MXID.matcher(userId).find()) {
            throw new ContentError("malformed_content", "member.user_id is not a user id");
        }
        if (!userId.equals(event.sender())) {
            throw new ContentError("sender_mismatch", "member.user_id must be the sender");
        }
        String deviceId = ContentError.string(member, "device_id", "member.device_id");
        String memberId = ContentError.string(member, "id", "member.id");
        String slot = ContentError.string(content, "slot_id", "slot_id");
        String prefix = appType + "#";
        if (!slot.startsWith(prefix)) {
            throw new ContentError("slot_mismatch", "slot_id must start with " + prefix);
        }
        if (!SlotId.isValid(slot)) {
            throw new ContentError("invalid_slot_id", "slot_id must contain exactly one '#'");
        }
        JsonNode transports = ContentError.object(content, "transports", "transports");
        List<Transport> published = Transports.list(transports.get("published"), "transports.published");
        JsonNode canSubscribeNode = transports.get("can_subscribe");
        List<String> canSubscribe = strings(canSubscribeNode, "transports.can_subscribe");
        strings(content.get("versions"), "versions");
        checkStickyKeys(content);
        checkRelation(content.get("m.relates_to"));
        return new Member(event.roomId(), new SlotId(slot), userId, deviceId, memberId,
                new Application(appType, Json.toMap(application, "type")), published, canSubscribe,
                Optional.empty(), event.originServerTs(), expiresTs, MemberFormat.STICKY, stickyKey, event.eventId());
    }

    private static List<String> strings(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw ContentError.field(path, node, "an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode v : node) {
            if (!v.isTextual()) {
                throw ContentError.field(path, node, "an array of strings");
            }
            out.add(v.textValue());
        }
        return out;
    }

    private static void checkStickyKeys(JsonNode content) {
        JsonNode stable = content.get("sticky_key");
        JsonNode unstable = content.get("msc4354_sticky_key");
        if (stable != null && unstable != null && !stable.equals(unstable)) {
            throw new ContentError("malformed_content", "sticky_key and msc4354_sticky_key differ");
        }
    }

    private static void checkRelation(JsonNode rel) {
        if (rel == null) {
            return;
        }
        if (!rel.isObject() || !rel.path("event_id").isTextual()
                || !"m.reference".equals(rel.path("rel_type").textValue())) {
            throw new ContentError("malformed_content", "m.relates_to must be an m.reference with an event_id");
        }
    }
}
