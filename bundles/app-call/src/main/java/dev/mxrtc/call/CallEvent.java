package dev.mxrtc.call;

/** What {@link CallListener}s are told, per room in order. */
public sealed interface CallEvent {

    /** @return the room */
    String roomId();

    /** A valid notification rings this account. */
    record RingStarted(IncomingRing ring) implements CallEvent {
        @Override
        public String roomId() {
            return ring.roomId();
        }
    }

    /**
     * A ring stopped: {@code expired}, {@code joined} (this account joined the slot), {@code declined} (by this
     * account), {@code slot_closed}, {@code superseded}, {@code withdrawn}.
     */
    record RingEnded(IncomingRing ring, String reason) implements CallEvent {
        @Override
        public String roomId() {
            return ring.roomId();
        }
    }

    /** A notification was received and does not ring this account; {@code reason} says which rule failed. */
    record NotificationIgnored(String roomId, String eventId, String sender, String reason) implements CallEvent {
    }

    /** Someone declined a notification this account sent; {@code ring} is its state after the decline. */
    record Declined(Decline decline, OutgoingRing ring) implements CallEvent {
        @Override
        public String roomId() {
            return decline.roomId();
        }
    }

    /** A joined member reacted. */
    record Reacted(Reaction reaction) implements CallEvent {
        @Override
        public String roomId() {
            return reaction.roomId();
        }
    }

    /** A joined member raised their hand. */
    record HandRaised(RaisedHand hand) implements CallEvent {
        @Override
        public String roomId() {
            return hand.roomId();
        }
    }

    /** A hand went down: {@code redacted}, or {@code membership_changed} (left or re-sent membership). */
    record HandLowered(RaisedHand hand, String reason) implements CallEvent {
        @Override
        public String roomId() {
            return hand.roomId();
        }
    }

    /** A reaction, hand or decline was rejected; {@code reason} is a stable snake_case word. */
    record Rejected(String roomId, String eventId, String type, String reason) implements CallEvent {
    }
}
