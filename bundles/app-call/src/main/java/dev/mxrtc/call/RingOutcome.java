package dev.mxrtc.call;

import java.util.Objects;
import java.util.Optional;

/** What {@link CallService#ring} did. */
public sealed interface RingOutcome {

    /**
     * The notification was sent.
     *
     * @param notificationEventId the {@code org.matrix.msc4075.rtc.notification} event
     * @param legacyNotifyEventId the deprecated {@code org.matrix.msc4075.call.notify}, if it was sent
     * @param sticky whether the notification was sent as a sticky event (the server supports MSC4354)
     */
    record Sent(String notificationEventId, Optional<String> legacyNotifyEventId, boolean sticky)
            implements RingOutcome {
        public Sent {
            Objects.requireNonNull(notificationEventId, "notificationEventId");
            Objects.requireNonNull(legacyNotifyEventId, "legacyNotifyEventId");
        }
    }

    /** Nothing was sent: this device has no membership in the slot to refer to. Join first. */
    record NotJoined(String roomId, String slotId) implements RingOutcome {
    }
}
