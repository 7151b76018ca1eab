package dev.mxrtc.call;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A notification this account sent, and who declined it.
 *
 * @param roomId the room
 * @param eventId the notification event
 * @param slotId the slot
 * @param mentions who it rings
 * @param expiresTs when it stops ringing
 * @param declinedBy user id → decline event id, per participant (group rings keep ringing the others)
 * @param ended whether it stopped ringing (a 1:1 ring ends with the callee's decline)
 */
public record OutgoingRing(String roomId, String eventId, String slotId, Mentions mentions, long expiresTs,
        Map<String, String> declinedBy, boolean ended) {

    public OutgoingRing {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(mentions, "mentions");
        declinedBy = Map.copyOf(declinedBy);
    }

    /** @return whether this rings exactly one user (1:1): a decline by them ends it */
    public boolean oneToOne() {
        return !mentions.room() && mentions.userIds().size() == 1;
    }

    /** @return the users still being rung (mentioned users who have not declined); empty for room rings */
    public List<String> pending() {
        return mentions.userIds().stream().filter(u -> !declinedBy.containsKey(u)).toList();
    }
}
