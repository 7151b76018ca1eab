package dev.mxrtc.api;

import java.util.Objects;

/**
 * An event the core ignored, with a short, stable reason (e.g. {@code sender_not_joined},
 * {@code expired}, {@code malformed_content}).
 *
 * @param roomId the room
 * @param eventId the event id
 * @param reason the reason, a stable snake_case word
 * @param detail a human-readable detail (may be empty)
 */
public record RejectedEvent(String roomId, String eventId, String reason, String detail) {

    public RejectedEvent {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
