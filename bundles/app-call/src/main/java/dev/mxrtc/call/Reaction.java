package dev.mxrtc.call;

import java.util.Objects;

/**
 * An Element Call reaction ({@code io.element.call.reaction}) from a joined member.
 *
 * @param roomId the room
 * @param eventId the reaction event
 * @param sender the member's user
 * @param deviceId the device of the membership it refers to
 * @param slotId the slot of that membership
 * @param emoji the emoji, e.g. 👏
 * @param name its name, e.g. {@code clapping}
 * @param membershipEventId the sender's current membership event it refers to
 * @param ts its {@code origin_server_ts}
 */
public record Reaction(String roomId, String eventId, String sender, String deviceId, String slotId, String emoji,
        String name, String membershipEventId, long ts) {

    public Reaction {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(emoji, "emoji");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(membershipEventId, "membershipEventId");
    }
}
