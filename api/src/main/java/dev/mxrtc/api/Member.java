package dev.mxrtc.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One join of one device to one slot, as computed from a valid membership event.
 *
 * @param roomId the room
 * @param slotId the slot joined
 * @param userId the member's user (the event's sender)
 * @param deviceId the member's device
 * @param memberId the member id: fresh per join for {@link MemberFormat#STICKY}; for legacy events
 *        {@code membershipID}, or {@code {user}:{device}} when absent
 * @param application the application the member runs, with its fields
 * @param transports the transports the member publishes on (legacy: {@code foci_preferred}), in preference order
 * @param canSubscribe the transport types the member can subscribe to (empty for legacy events)
 * @param focusActive the legacy {@code focus_active}; empty for sticky members
 * @param createdTs when the member joined (ms since the epoch)
 * @param expiresTs when the membership lapses unless refreshed (legacy {@code created_ts + expires};
 *        sticky: the end of stickiness)
 * @param format the wire format the membership came from
 * @param key what identifies the membership record in the room: the legacy state key or the sticky key
 * @param eventId the id of the event the membership was read from
 */
public record Member(String roomId, SlotId slotId, String userId, String deviceId, String memberId,
        Application application, List<Transport> transports, List<String> canSubscribe,
        Optional<FocusActive> focusActive, long createdTs, long expiresTs, MemberFormat format, String key,
        String eventId) {

    public Member {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(application, "application");
        transports = List.copyOf(transports);
        canSubscribe = List.copyOf(canSubscribe);
        Objects.requireNonNull(focusActive, "focusActive");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(eventId, "eventId");
    }

    /** @return whether the membership has lapsed at {@code now} */
    public boolean expiredAt(long now) {
        return expiresTs - now <= 0;
    }

    /**
     * The identity this member has on an RTC backend such as LiveKit: for legacy members
     * {@code {user}:{device}}; for sticky members the MSC4195 hash, unpadded base64 of SHA-256 of the
     * JSON array {@code [user, device, member id]}.
     *
     * @return the backend identity
     */
    public String backendIdentity() {
        return switch (format) {
            case LEGACY -> userId + ":" + deviceId;
            case STICKY -> hashedIdentity(userId, deviceId, memberId);
        };
    }

    /**
     * The MSC4195 hash: unpadded standard base64 of SHA-256 over the canonical JSON array of the strings.
     *
     * @param parts the strings, in order
     * @return the hash
     */
    public static String hashedIdentity(String... parts) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            appendJsonString(json, parts[i]);
        }
        json.append(']');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Canonical JSON string escaping (RFC 8785 / Matrix canonical JSON: no escaping of '<', '>', '&'). */
    private static void appendJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
