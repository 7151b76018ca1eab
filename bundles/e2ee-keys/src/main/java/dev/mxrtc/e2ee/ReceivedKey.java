package dev.mxrtc.e2ee;

import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/**
 * A media key as a transport received it, after decryption and after the transport proved which device sent it.
 * {@link #toString()} never shows the key.
 *
 * @param roomId the room the key is for
 * @param userId the authenticated sending user (Olm/Megolm sender)
 * @param deviceId the authenticated sending device: the device whose {@code /keys/query} Curve25519 key matched the
 *        Olm session's (or Megolm session's) sender key
 * @param memberId the member id the content names ({@code member.id} / {@code member_id}), if any
 * @param key the key and its index
 * @param sentTs the sender's {@code sent_ts}, or the receive time when the format has none
 * @param format the wire form it came in
 */
public record ReceivedKey(String roomId, String userId, String deviceId, Optional<String> memberId, MediaKey key,
        long sentTs, KeyFormat format) {

    public ReceivedKey {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(format, "format");
    }

    @Override
    public String toString() {
        return "ReceivedKey[room=" + roomId + ", from=" + userId + "/" + deviceId + ", member=" + memberId.orElse("-")
                + ", index=" + key.index() + ", format=" + format + "]";
    }
}
