package dev.mxrtc.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core service: the MatrixRTC sessions of every room the runtime knows, as computed from the
 * memberships. Changes are delivered to {@link RtcSessionListener} services.
 */
@ProviderType
public interface RtcSessions {

    /** @return the rooms with at least one session */
    Set<String> rooms();

    /** @return the room's current sessions (one per slot with joined members), ordered by slot id */
    List<Session> sessions(String roomId);

    /** @return the session in the slot, if any member is joined */
    Optional<Session> session(String roomId, SlotId slotId);

    /** @return the slot as declared by its state event, if the room has one */
    Optional<Slot> slot(String roomId, SlotId slotId);

    /** @return the most recent events the core rejected in the room, oldest first (bounded) */
    List<RejectedEvent> rejected(String roomId);
}
