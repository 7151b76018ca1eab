package dev.mxrtc.matrix;

import java.util.Objects;

/** What sending an {@link OutgoingEvent} gave: an event, or a scheduled (MSC4140 delayed) event. */
public sealed interface SendResult {

    /** @param eventId the id of the event the server created */
    record Sent(String eventId) implements SendResult {
        public Sent {
            Objects.requireNonNull(eventId, "eventId");
        }
    }

    /** @param delayId the id to restart, cancel or send the delayed event with */
    record Scheduled(String delayId) implements SendResult {
        public Scheduled {
            Objects.requireNonNull(delayId, "delayId");
        }
    }
}
