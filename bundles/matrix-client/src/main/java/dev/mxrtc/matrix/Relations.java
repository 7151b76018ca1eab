package dev.mxrtc.matrix;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.api.RoomEvent;

/**
 * One page of {@code GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]}.
 *
 * @param chunk the related events
 * @param nextBatch the token for the next page, if there is one
 */
public record Relations(List<RoomEvent> chunk, Optional<String> nextBatch) {

    public Relations {
        chunk = List.copyOf(chunk);
        Objects.requireNonNull(nextBatch, "nextBatch");
    }
}
