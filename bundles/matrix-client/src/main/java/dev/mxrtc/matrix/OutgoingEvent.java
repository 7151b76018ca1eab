package dev.mxrtc.matrix;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A room event to send: a message event, or a state event when {@link #stateKey()} is present; optionally
 * delayed (MSC4140, {@code org.matrix.msc4140.delay}) and/or sticky (MSC4354,
 * {@code org.matrix.msc4354.sticky_duration_ms}).
 *
 * @param roomId the room
 * @param type the event type
 * @param stateKey the state key, for a state event
 * @param contentJson the content, a JSON object as text
 * @param txnId the transaction id of a message event (retries and re-sends with the same id are idempotent);
 *        empty to let the client pick one (kept across its own retries). Unused for state events.
 * @param delayMs the MSC4140 delay: the event is scheduled and {@link SendResult.Scheduled} is returned
 * @param stickyDurationMs the MSC4354 sticky duration, 0 ... 3 600 000 ms
 */
public record OutgoingEvent(String roomId, String type, Optional<String> stateKey, String contentJson,
        Optional<String> txnId, OptionalLong delayMs, OptionalLong stickyDurationMs) {

    /** The longest stickiness MSC4354 allows. */
    public static final long MAX_STICKY_DURATION_MS = 3_600_000L;

    public OutgoingEvent {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateKey, "stateKey");
        Objects.requireNonNull(contentJson, "contentJson");
        Objects.requireNonNull(txnId, "txnId");
        Objects.requireNonNull(delayMs, "delayMs");
        Objects.requireNonNull(stickyDurationMs, "stickyDurationMs");
        if (roomId.isEmpty() || type.isEmpty()) {
            throw new IllegalArgumentException("roomId and type must not be empty");
        }
        if (delayMs.isPresent() && delayMs.getAsLong() < 0) {
            throw new IllegalArgumentException("delayMs < 0");
        }
        if (stickyDurationMs.isPresent()
                && (stickyDurationMs.getAsLong() < 0 || stickyDurationMs.getAsLong() > MAX_STICKY_DURATION_MS)) {
            throw new IllegalArgumentException("stickyDurationMs outside 0 ... " + MAX_STICKY_DURATION_MS);
        }
        if (txnId.isPresent() && txnId.get().isEmpty()) {
            throw new IllegalArgumentException("empty txnId");
        }
    }

    /** A plain message event. */
    public static OutgoingEvent message(String roomId, String type, String contentJson) {
        return new OutgoingEvent(roomId, type, Optional.empty(), contentJson, Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty());
    }

    /** A plain state event. */
    public static OutgoingEvent state(String roomId, String type, String stateKey, String contentJson) {
        return new OutgoingEvent(roomId, type, Optional.of(stateKey), contentJson, Optional.empty(),
                OptionalLong.empty(), OptionalLong.empty());
    }

    /** @return this event with the given transaction id */
    public OutgoingEvent withTxnId(String id) {
        return new OutgoingEvent(roomId, type, stateKey, contentJson, Optional.of(id), delayMs, stickyDurationMs);
    }

    /** @return this event, delayed by the given time (MSC4140) */
    public OutgoingEvent delayed(long ms) {
        return new OutgoingEvent(roomId, type, stateKey, contentJson, txnId, OptionalLong.of(ms), stickyDurationMs);
    }

    /** @return this event, sticky for the given time (MSC4354) */
    public OutgoingEvent sticky(long durationMs) {
        return new OutgoingEvent(roomId, type, stateKey, contentJson, txnId, delayMs, OptionalLong.of(durationMs));
    }

    /** @return whether this is a state event */
    public boolean isState() {
        return stateKey.isPresent();
    }
}
