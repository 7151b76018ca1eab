package dev.mxrtc.e2ee.keys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.e2ee.KeyFormat;

/**
 * The three key wire forms, in one place: encode for sending, parse (once, at the edge) on receipt. Pure
 * functions; nothing here logs or keeps key material.
 */
final class KeyCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyCodec() {
    }

    /** A parsed key content, before its sender is checked. {@code deviceId} is what the content claims. */
    record Parsed(String roomId, Optional<String> claimedDeviceId, Optional<String> memberId, List<MediaKey> keys,
            Optional<Long> sentTs) {
        Parsed {
            keys = List.copyOf(keys);
        }

        @Override
        public String toString() {
            return "Parsed[room=" + roomId + ", device=" + claimedDeviceId.orElse("-") + ", keys=" + keys.size() + "]";
        }
    }

    /** Thrown for content that is not a key event of its format; the message never holds key material. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** matrix-js-sdk 43's to-device content (ToDeviceKeyTransport.sendKey): key is padded std base64. */
    static String jsSdkToDevice(String roomId, String deviceId, String memberId, MediaKey key, long sentTs) {
        ObjectNode c = JSON.createObjectNode();
        c.putObject("keys").put("index", key.index()).put("key", Base64.getEncoder().encodeToString(key.key()));
        c.put("room_id", roomId);
        c.putObject("member").put("claimed_device_id", deviceId).put("id", memberId);
        c.putObject("session").put("application", "m.call").put("call_id", "").put("scope", "m.room");
        c.put("sent_ts", sentTs);
        return c.toString();
    }

    /** MSC4143 {@code m.rtc.encryption_key}: key is unpadded base64 ({@code format} 0). */
    static String msc4143ToDevice(String roomId, String memberId, MediaKey key) {
        ObjectNode c = JSON.createObjectNode();
        c.put("room_id", roomId);
        c.put("member_id", memberId);
        c.putObject("media_key").put("index", key.index())
                .put("key", Base64.getEncoder().withoutPadding().encodeToString(key.key()));
        c.put("format", 0);
        return c.toString();
    }

    /** The legacy room event (RoomKeyTransport of older js-sdk / Element Call). */
    static String legacyRoomEvent(String deviceId, MediaKey key, long sentTs) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("keys").addObject().put("index", key.index())
                .put("key", Base64.getEncoder().encodeToString(key.key()));
        c.put("device_id", deviceId);
        c.put("call_id", "");
        c.put("sent_ts", sentTs);
        return c.toString();
    }

    static Parsed parse(KeyFormat format, String contentJson) throws Malformed {
        JsonNode c;
        try {
            c = JSON.readTree(contentJson);
        } catch (Exception e) {
            throw new Malformed("not JSON");
        }
        if (c == null || !c.isObject()) {
            throw new Malformed("content is not an object");
        }
        return switch (format) {
            case JS_SDK_TO_DEVICE -> {
                JsonNode member = c.path("member");
                String device = text(member, "claimed_device_id")
                        .orElseThrow(() -> new Malformed("member.claimed_device_id missing"));
                yield new Parsed(text(c, "room_id").orElseThrow(() -> new Malformed("room_id missing")),
                        Optional.of(device), text(member, "id"), List.of(key(c.path("keys"))), sentTs(c));
            }
            case MSC4143_TO_DEVICE -> {
                JsonNode f = c.path("format");
                if (!f.isMissingNode() && !(f.isIntegralNumber() && f.asInt() == 0)) {
                    throw new Malformed("unknown key format");
                }
                yield new Parsed(text(c, "room_id").orElseThrow(() -> new Malformed("room_id missing")),
                        Optional.empty(),
                        Optional.of(text(c, "member_id").orElseThrow(() -> new Malformed("member_id missing"))),
                        List.of(key(c.path("media_key"))), sentTs(c));
            }
            case LEGACY_ROOM_EVENT -> {
                JsonNode keys = c.path("keys");
                if (!keys.isArray() || keys.isEmpty()) {
                    throw new Malformed("keys is not a non-empty array");
                }
                List<MediaKey> out = new ArrayList<>();
                for (JsonNode k : keys) {
                    out.add(key(k));
                }
                String device = text(c, "device_id").orElseThrow(() -> new Malformed("device_id missing"));
                yield new Parsed("", Optional.of(device), Optional.empty(), out, sentTs(c));
            }
        };
    }

    private static MediaKey key(JsonNode k) throws Malformed {
        if (!k.isObject() || !k.path("index").isIntegralNumber() || !k.path("key").isTextual()) {
            throw new Malformed("key object needs a numeric index and a string key");
        }
        int index = k.path("index").asInt();
        if (index < 0 || index > 255) {
            throw new Malformed("key index out of range: " + index);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(k.path("key").asText()); // accepts padded and unpadded
        } catch (IllegalArgumentException e) {
            throw new Malformed("key is not base64");
        }
        if (bytes.length < 16 || bytes.length > 64) {
            throw new Malformed("key length " + bytes.length + " outside 16..64 bytes");
        }
        try {
            return new MediaKey(index, bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<Long> sentTs(JsonNode c) {
        JsonNode v = c.path("sent_ts");
        return v.isIntegralNumber() ? Optional.of(v.asLong()) : Optional.empty();
    }
}
