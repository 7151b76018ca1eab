package dev.mxrtc.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A room event as a Matrix client receives it (from {@code /sync} or a room's state), the input of the core.
 * The content stays JSON text: the core parses it, once, at its edge.
 *
 * @param roomId the room
 * @param eventId the event id
 * @param type the event type
 * @param stateKey the state key, for state events
 * @param sender the sender's user id
 * @param originServerTs the origin server timestamp
 * @param contentJson the content, a JSON object as text
 * @param stickyDurationMs the MSC4354 sticky duration ({@code sticky}/{@code msc4354_sticky} {@code duration_ms}), if sticky
 * @param stickyTtlMs the remaining stickiness at receipt ({@code unsigned.msc4354_sticky_duration_ttl_ms}), if given
 * @param receivedTs when this client received the event
 */
public record RoomEvent(String roomId, String eventId, String type, Optional<String> stateKey, String sender,
        long originServerTs, String contentJson, OptionalLong stickyDurationMs, OptionalLong stickyTtlMs,
        long receivedTs) {

    public RoomEvent {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateKey, "stateKey");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(contentJson, "contentJson");
        Objects.requireNonNull(stickyDurationMs, "stickyDurationMs");
        Objects.requireNonNull(stickyTtlMs, "stickyTtlMs");
    }

    /** @return whether this is a state event */
    public boolean isState() {
        return stateKey.isPresent();
    }
}
