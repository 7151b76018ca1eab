package dev.mxrtc.matrix;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A delayed event as {@code GET .../delayed_events} lists it.
 *
 * @param delayId its id
 * @param roomId the room
 * @param type the event type
 * @param stateKey the state key of a delayed state event
 * @param delayMs the delay
 * @param runningSinceMs when its timer started ({@code running_since} / {@code scheduled_at}), if given
 * @param contentJson the content, JSON text
 * @param json the whole entry as the server sent it, for fields this record does not model
 */
public record DelayedEvent(String delayId, String roomId, String type, Optional<String> stateKey, long delayMs,
        OptionalLong runningSinceMs, String contentJson, String json) {

    public DelayedEvent {
        Objects.requireNonNull(delayId, "delayId");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateKey, "stateKey");
        Objects.requireNonNull(runningSinceMs, "runningSinceMs");
        Objects.requireNonNull(contentJson, "contentJson");
        Objects.requireNonNull(json, "json");
    }
}
