package dev.mxrtc.call.ring;

import java.util.Optional;
import java.util.OptionalLong;

/** What the receiving rules need to know about the room and the receiving account ({@link RingRules}). */
public interface RingFacts {

    /** @return the receiving user */
    String me();

    /** @return now, ms since the epoch */
    long now();

    /** @return the slot of the current legacy membership state event with this id, if there is one */
    Optional<String> legacyMembershipSlot(String membershipEventId);

    /** @return the id of the current sticky notification of the sender for the slot, if any */
    Optional<String> currentStickyNotification(String sender, String slotId);

    /** @return whether the slot is open; empty if the room has no slot event for it */
    Optional<Boolean> slotOpen(String slotId);

    /** @return whether the sender has the power to notify the whole room ({@code notifications.room}) */
    boolean mayNotifyRoom(String sender);

    /** @return whether the receiving user is joined to the slot (any of their devices) */
    boolean joined(String slotId);

    /** @return the {@code origin_server_ts} of the receiving user's latest "left" sticky membership for the slot */
    OptionalLong ownLeftTs(String slotId);

    /** @return whether the receiving user declined the notification */
    boolean declined(String notificationEventId);
}
