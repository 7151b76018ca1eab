package dev.mxrtc.call;

import java.util.Objects;

/**
 * A raised hand: an {@code m.reaction} annotation with key {@value #KEY} by a member on their own current
 * membership event. Lowering redacts the reaction; a new membership event resets it.
 *
 * @param roomId the room
 * @param slotId the slot
 * @param userId the member's user
 * @param deviceId the member's device
 * @param reactionEventId the {@code m.reaction} event
 * @param membershipEventId the membership event it annotates
 * @param ts when the hand was raised ({@code origin_server_ts})
 */
public record RaisedHand(String roomId, String slotId, String userId, String deviceId, String reactionEventId,
        String membershipEventId, long ts) {

    /** The annotation key Element Call uses. */
    public static final String KEY = "\uD83D\uDD90\uFE0F";

    public RaisedHand {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(reactionEventId, "reactionEventId");
        Objects.requireNonNull(membershipEventId, "membershipEventId");
    }
}
