package dev.mxrtc.membership;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/**
 * One member of one slot, published and kept alive by the runtime until {@link #leave()}.
 */
@ProviderType
public interface Participation {

    /** @return the room */
    String roomId();

    /** @return the slot */
    SlotId slotId();

    /** @return the current member id; fresh after every rejoin */
    String memberId();

    /** @return the current status */
    ParticipationStatus status();

    /** @return the wire format in use (never {@link MembershipFormat#AUTO}) */
    MembershipFormat format();

    /** @return why the participation ended, if it ended by failure rather than by {@link #leave()} */
    Optional<String> failure();

    /**
     * @param listener told about every later change; it is called at once with the current status
     * @return closes the registration
     */
    AutoCloseable addListener(ParticipationListener listener);

    /** Re-publishes the membership with other transports (same member id). */
    void updateTransports(List<Transport> transports);

    /**
     * Leaves: fires the delayed leave now (or writes the leave), so the room is clean at once.
     *
     * @return completes when the participation is {@link ParticipationStatus#DISCONNECTED}
     */
    CompletionStage<Void> leave();
}
