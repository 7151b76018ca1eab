package dev.mxrtc.call;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.api.SlotId;

/**
 * The {@code m.call} application of one Matrix account: ringing, declines, reactions and raised hands, in the
 * shapes matrix-js-sdk 43 and Element Call send. Incoming ones are delivered to {@link CallListener} services.
 *
 * <p>Sending calls block until the homeserver answers; they throw {@code dev.mxrtc.matrix.MatrixException} when
 * it refuses.
 */
@ProviderType
public interface CallService {

    /** @return the account's user id */
    String userId();

    /**
     * Rings: sends {@code org.matrix.msc4075.rtc.notification} (flat js-sdk 43 shape, sticky for
     * {@code lifetime + 20 s} when the server supports MSC4354) referring to this device's membership event, and
     * the deprecated {@code org.matrix.msc4075.call.notify} as Element Call does.
     *
     * @param lifetime how long it rings; receivers cap it at 120 s
     * @return {@link RingOutcome.Sent}, or {@link RingOutcome.NotJoined} if this device has no membership in the
     *         slot (the notification must refer to it)
     */
    RingOutcome ring(String roomId, SlotId slot, Mentions mentions, NotificationType type, Duration lifetime);

    /**
     * Declines a notification: {@code org.matrix.msc4310.rtc.decline}, sticky for 120 s when supported (as
     * js-sdk's {@code sendRtcDecline}); the ring stops on every device of this account.
     *
     * @return the decline's event id
     */
    String decline(String roomId, String notificationEventId);

    /**
     * Sends an Element Call reaction ({@code io.element.call.reaction}) referring to this device's membership.
     *
     * @return the reaction's event id, or empty if this device is not joined to the slot
     */
    Optional<String> react(String roomId, SlotId slot, String emoji, String name);

    /**
     * Raises this device's hand: an {@code m.reaction} annotation {@value RaisedHand#KEY} on its membership
     * event. Raising a raised hand returns the existing reaction.
     *
     * @return the reaction's event id, or empty if this device is not joined to the slot
     */
    Optional<String> raiseHand(String roomId, SlotId slot);

    /** Lowers this device's hand by redacting the reaction. @return whether a hand was down-ed */
    boolean lowerHand(String roomId, SlotId slot);

    /** @return the notifications ringing this account in the room now */
    List<IncomingRing> ringing(String roomId);

    /** @return the notifications this account sent in the room that still ring */
    List<OutgoingRing> outgoing(String roomId);

    /** @return the raised hands in the slot, oldest first */
    List<RaisedHand> raisedHands(String roomId, SlotId slot);
}
