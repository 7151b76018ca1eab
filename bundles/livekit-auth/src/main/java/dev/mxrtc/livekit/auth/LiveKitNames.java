package dev.mxrtc.livekit.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * LiveKit room names and participant identities, byte-exactly as lk-jwt-service derives them (MSC4195):
 * unpadded standard base64 of SHA-256 over the JSON array of strings as Go's {@code json.Marshal} writes it.
 *
 * <p>Go's encoder is not canonical JSON: it writes {@code <}, {@code >} and {@code &} as six-character unicode escapes
 * (backslash, u, 003c / 003e / 0026: HTML-safe by default), U+2028 and U+2029 likewise (2028 / 2029), control
 * characters other than backspace, form feed, newline, carriage return and tab as escapes with lower-case hex, and
 * replaces invalid UTF-16 (lone surrogates, which arrive from JSON as invalid UTF-8 for Go) with U+FFFD. Everything
 * else is written
 * as UTF-8. The MSC4195 vectors contain none of these, so they agree with canonical JSON; names with such
 * characters do not (see {@code dev.mxrtc.api.Member.hashedIdentity}, which writes canonical JSON).
 */
public final class LiveKitNames {
    /** The slot lk-jwt-service's legacy {@code /sfu/get} endpoint hashes with. */
    public static final String LEGACY_SLOT = "m.call#ROOM";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LiveKitNames() {}

    /** LiveKit room name for a (Matrix room id, MatrixRTC slot id) pair. */
    public static String roomAlias(String roomId, String slotId) {
        return hash(roomId, slotId);
    }

    /** LiveKit participant identity for a (user id, claimed device id, member id) tuple ({@code /get_token}). */
    public static String identity(String userId, String deviceId, String memberId) {
        return hash(userId, deviceId, memberId);
    }

    /** The plain identity of lk-jwt-service's legacy {@code /sfu/get}: {@code "<mxid>:<device_id>"}. */
    public static String legacyIdentity(String userId, String deviceId) {
        return userId + ":" + deviceId;
    }

    static String hash(String... parts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(goJsonArray(parts));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** {@code json.Marshal([]string{...})} of Go: the bytes lk-jwt-service hashes. */
    static byte[] goJsonArray(String... parts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) sb.append(',');
            goJsonString(sb, parts[i]);
        }
        return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void goJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(sb, c);
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        sb.append('\uFFFD'); // Go sees invalid UTF-8 here and writes the replacement character
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }
}
