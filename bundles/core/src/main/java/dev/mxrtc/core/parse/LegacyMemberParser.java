package dev.mxrtc.core.parse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/**
 * The content of a legacy {@code org.matrix.msc3401.call.member} state event, validated as matrix-js-sdk 43
 * {@code checkSessionsMembershipData} does, with {@code CallMembership}'s computed fields.
 */
final class LegacyMemberParser {

    /** js-sdk DEFAULT_EXPIRE_DURATION: 4 h. */
    static final long DEFAULT_EXPIRES_MS = 4L * 60 * 60 * 1000;

    /** The session fields; every other top-level field belongs to the application (js-sdk sessionFields). */
    private static final Set<String> SESSION_FIELDS = Set.of("application", "call_id", "device_id", "focus_active",
            "foci_preferred", "created_ts", "scope", "expires", "m.call.intent", "membershipID");

    private LegacyMemberParser() {
    }

    /**
     * Who owns the state key: {@code [_]<sender>}, {@code [_]<sender>_<device>[_...]}.
     *
     * @return null if the sender owns it, else {@code spoofed_state_key} (it names another user) or
     *         {@code invalid_state_key} (it names no user)
     */
    static String stateKeyOwner(String sender, String stateKey) {
        String key = stateKey.startsWith("_") ? stateKey.substring(1) : stateKey;
        if (key.equals(sender) || key.startsWith(sender + "_")) {
            return null;
        }
        return key.startsWith("@") ? "spoofed_state_key" : "invalid_state_key";
    }

    /** @return whether an owned state key names {@code deviceId} right after the user id (or names no device) */
    private static boolean namesDevice(String sender, String stateKey, String deviceId) {
        String key = stateKey.startsWith("_") ? stateKey.substring(1) : stateKey;
        if (key.equals(sender)) {
            return true; // the per-user key of the deprecated shapes; content decides
        }
        String rest = key.substring(sender.length() + 1);
        return rest.equals(deviceId) || rest.startsWith(deviceId + "_");
    }

    static MemberContent parse(RoomEvent event, JsonNode content, String stateKey) {
        if (LeftContent.isLeft(content)) {
            return new MemberContent.Left();
        }
        Optional<MemberContent> filtered = LeftContent.quickFilter(content);
        if (filtered.isPresent()) {
            return filtered.get();
        }
        try {
            return new MemberContent.Joined(member(event, content, stateKey));
        } catch (ContentError e) {
            return e.toContent();
        }
    }

    private static Member member(RoomEvent event, JsonNode content, String stateKey) {
        String deviceId = ContentError.string(content, "device_id", "device_id");
        if (!namesDevice(event.sender(), stateKey, deviceId)) {
            throw new ContentError("invalid_state_key", "the state key names another device than device_id");
        }
        String callId = ContentError.string(content, "call_id", "call_id");
        String application = ContentError.string(content, "application", "application");
        JsonNode focusActive = ContentError.object(content, "focus_active", "focus_active");
        String focusType = ContentError.string(focusActive, "type", "focus_active.type");
        JsonNode foci = content.get("foci_preferred");
        List<Transport> transports = foci == null ? List.of() : Transports.list(foci, "foci_preferred");
        JsonNode created = content.get("created_ts");
        if (created != null && !created.isNumber()) {
            throw ContentError.field("created_ts", created, "a number");
        }
        optionalString(content, "scope");
        optionalString(content, "m.call.intent");
        // js-sdk checks neither, then computes with them: a non-number expires or non-string
        // membershipID gives nonsense there (string concatenation, a non-string id), so we reject.
        JsonNode expires = content.get("expires");
        if (expires != null && expires.isNull()) {
            expires = null; // js-sdk: expires ?? default
        }
        if (expires != null && !expires.isNumber()) {
            throw ContentError.field("expires", expires, "a number");
        }
        JsonNode membershipId = content.get("membershipID");
        if (membershipId != null && !membershipId.isNull() && !membershipId.isTextual()) {
            throw ContentError.field("membershipID", membershipId, "a string");
        }

        String slot = Application.M_CALL.equals(application) && callId.isEmpty()
                ? SlotId.ROOM_CALL.value()
                : application + "#" + callId;
        if (!SlotId.isValid(slot)) {
            throw new ContentError("invalid_slot_id", "application#call_id is not a slot id: " + slot);
        }
        long createdTs = created == null ? event.originServerTs() : created.asLong();
        long expiresTs = createdTs + (expires == null ? DEFAULT_EXPIRES_MS : expires.asLong());
        String memberId = membershipId != null && membershipId.isTextual() ? membershipId.textValue()
                : event.sender() + ":" + deviceId;
        String selection = focusActive.path("focus_selection").isTextual()
                ? focusActive.get("focus_selection").textValue() : "";

        Map<String, Object> appFields = Json.toMap(content, null);
        appFields.keySet().removeAll(SESSION_FIELDS);
        appFields.remove("type");
        if (content.has("m.call.intent")) {
            appFields.put("m.call.intent", content.get("m.call.intent").textValue());
        }
        return new Member(event.roomId(), new SlotId(slot), event.sender(), deviceId, memberId,
                new Application(application, appFields), transports, List.of(),
                Optional.of(new FocusActive(focusType, selection)), createdTs, expiresTs, MemberFormat.LEGACY,
                stateKey, event.eventId());
    }

    private static void optionalString(JsonNode content, String name) {
        JsonNode v = content.get(name);
        if (v != null && !v.isTextual()) {
            throw ContentError.field(name, v, "a string");
        }
    }
}
