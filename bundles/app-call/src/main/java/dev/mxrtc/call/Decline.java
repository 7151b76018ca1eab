package dev.mxrtc.call;

import java.util.Objects;

/**
 * An {@code org.matrix.msc4310.rtc.decline} of a notification.
 *
 * @param roomId the room
 * @param eventId the decline event
 * @param sender who declined
 * @param notificationEventId the notification declined
 * @param ts its {@code origin_server_ts}
 */
public record Decline(String roomId, String eventId, String sender, String notificationEventId, long ts) {

    public Decline {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(notificationEventId, "notificationEventId");
    }
}
