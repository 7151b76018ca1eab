package dev.mxrtc.livekit.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request bodies of lk-jwt-service's endpoints, decoded with the rules of its Go decoder
 * ({@code json.Decoder} with {@code DisallowUnknownFields}): an unknown field, a value of the wrong JSON type, a
 * non-integral number where an integer belongs, or a body that is not JSON is {@code 400 M_NOT_JSON}; {@code null}
 * leaves a field empty; field names match case-insensitively, as Go's do. Validation (missing fields) is
 * {@code 400 M_BAD_JSON}, with lk-jwt-service's messages.
 */
public final class Requests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {}

    /** The OpenID token as the client got it from {@code /openid/request_token}. The access token is never printed. */
    public record OpenIdToken(String accessToken, String tokenType, String matrixServerName, long expiresIn) {
        @Override
        public String toString() {
            return "OpenIdToken[server=" + matrixServerName + ", accessToken=<hidden>]";
        }
    }

    /** The MatrixRTC member a token is asked for. */
    public record Member(String id, String claimedUserId, String claimedDeviceId) {}

    /** {@code POST /get_token} (and, with all delay fields required, {@code /delegate_delayed_leave}). */
    public record TokenRequest(String roomId, String slotId, OpenIdToken openIdToken, Member member, String delayId,
            long delayTimeoutMs) {
        public boolean delegates() { return !delayId.isEmpty(); }
    }

    /** {@code POST /sfu/get}, the deprecated pre-Matrix-2.0 form. */
    public record LegacyRequest(String room, OpenIdToken openIdToken, String deviceId, String delayId, long delayTimeoutMs) {
        public boolean delegates() { return !delayId.isEmpty(); }
    }

    private static final Set<String> TOKEN_FIELDS = Set.of("room_id", "slot_id", "openid_token", "member", "delay_id",
            "delay_timeout", "delay_cs_api_url");
    private static final Set<String> LEGACY_FIELDS = Set.of("room", "openid_token", "device_id", "delay_id",
            "delay_timeout", "delay_cs_api_url");
    private static final Set<String> OPENID_FIELDS = Set.of("access_token", "token_type", "matrix_server_name", "expires_in");
    private static final Set<String> MEMBER_FIELDS = Set.of("id", "claimed_user_id", "claimed_device_id");

    public static TokenRequest getToken(byte[] body) throws AuthError {
        Map<String, JsonNode> f = fields(root(body), TOKEN_FIELDS);
        TokenRequest r = new TokenRequest(str(f, "room_id"), str(f, "slot_id"), openId(f.get("openid_token")),
                member(f.get("member")), str(f, "delay_id"), integer(f, "delay_timeout"));
        str(f, "delay_cs_api_url"); // deprecated and ignored, as in lk-jwt-service, but must still be a string
        validateCommon(r);
        boolean all = !r.delayId().isEmpty() && r.delayTimeoutMs() > 0;
        boolean any = !r.delayId().isEmpty() || r.delayTimeoutMs() > 0;
        if (any && !all) throw AuthError.badJson("The request body is missing `delay_id` or `delay_timeout`");
        return r;
    }

    public static TokenRequest delegateDelayedLeave(byte[] body) throws AuthError {
        Map<String, JsonNode> f = fields(root(body), TOKEN_FIELDS);
        TokenRequest r = new TokenRequest(str(f, "room_id"), str(f, "slot_id"), openId(f.get("openid_token")),
                member(f.get("member")), str(f, "delay_id"), integer(f, "delay_timeout"));
        str(f, "delay_cs_api_url");
        validateCommon(r);
        if (r.delayId().isEmpty() || r.delayTimeoutMs() <= 0) {
            throw AuthError.badJson("The request body is missing `delay_id` or `delay_timeout`");
        }
        return r;
    }

    public static LegacyRequest sfuGet(byte[] body) throws AuthError {
        Map<String, JsonNode> f = fields(root(body), LEGACY_FIELDS);
        LegacyRequest r = new LegacyRequest(str(f, "room"), openId(f.get("openid_token")), str(f, "device_id"),
                str(f, "delay_id"), integer(f, "delay_timeout"));
        str(f, "delay_cs_api_url");
        if (r.room().isEmpty()) throw AuthError.badJson("Missing room parameter");
        if (r.openIdToken().accessToken().isEmpty() || r.openIdToken().matrixServerName().isEmpty()) {
            throw AuthError.badJson("Missing OpenID token parameters");
        }
        boolean all = !r.delayId().isEmpty() && r.delayTimeoutMs() > 0;
        boolean any = !r.delayId().isEmpty() || r.delayTimeoutMs() > 0;
        if (any && !all) throw AuthError.badJson("The request body is missing `delay_id` or `delay_timeout`");
        return r;
    }

    private static void validateCommon(TokenRequest r) throws AuthError {
        if (r.roomId().isEmpty() || r.slotId().isEmpty()) {
            throw AuthError.badJson("The request body is missing `room_id` or `slot_id`");
        }
        Member m = r.member();
        if (m.id().isEmpty() || m.claimedUserId().isEmpty() || m.claimedDeviceId().isEmpty()) {
            throw AuthError.badJson("The request body `member` is missing a `id`, `claimed_user_id` or `claimed_device_id`");
        }
        if (r.openIdToken().accessToken().isEmpty() || r.openIdToken().matrixServerName().isEmpty()) {
            throw AuthError.badJson("The request body `openid_token` is missing a `access_token` or `matrix_server_name`");
        }
    }

    private static JsonNode root(byte[] body) throws AuthError {
        if (body == null || body.length == 0) throw AuthError.notJson();
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || n.isMissingNode()) throw AuthError.notJson();
            return n;
        } catch (IOException e) {
            throw AuthError.notJson();
        }
    }

    private static OpenIdToken openId(JsonNode n) throws AuthError {
        Map<String, JsonNode> f = fields(n, OPENID_FIELDS);
        return new OpenIdToken(str(f, "access_token"), str(f, "token_type"), str(f, "matrix_server_name"),
                integer(f, "expires_in"));
    }

    private static Member member(JsonNode n) throws AuthError {
        Map<String, JsonNode> f = fields(n, MEMBER_FIELDS);
        return new Member(str(f, "id"), str(f, "claimed_user_id"), str(f, "claimed_device_id"));
    }

    /** An object's fields by their canonical (lower-case) name; null or absent gives an empty map, like Go's zero value. */
    private static Map<String, JsonNode> fields(JsonNode n, Set<String> known) throws AuthError {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        if (n == null || n.isNull()) return out;
        if (!n.isObject()) throw AuthError.notJson();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!known.contains(name)) throw AuthError.notJson(); // DisallowUnknownFields
            out.put(name, e.getValue());
        }
        return out;
    }

    private static String str(Map<String, JsonNode> f, String name) throws AuthError {
        JsonNode v = f.get(name);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw AuthError.notJson();
        return v.textValue();
    }

    private static long integer(Map<String, JsonNode> f, String name) throws AuthError {
        JsonNode v = f.get(name);
        if (v == null || v.isNull()) return 0;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw AuthError.notJson();
        return v.longValue();
    }
}
