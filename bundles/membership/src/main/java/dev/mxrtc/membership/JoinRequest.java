package dev.mxrtc.membership;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/**
 * What to join as.
 *
 * @param userId the account to join with (the {@code MatrixClient} service whose {@code matrix.user_id} it is);
 *        empty: the only account there is
 * @param roomId the room
 * @param slotId the slot; its application part must equal {@code application.type()}
 * @param application the application type and its fields (for {@code m.call}, e.g. {@code m.call.intent})
 * @param transports the transports published, in preference order (legacy: {@code foci_preferred})
 * @param canSubscribe the transport types this member can subscribe to; empty: the types of {@code transports}
 * @param format the wire format
 */
public record JoinRequest(Optional<String> userId, String roomId, SlotId slotId, Application application,
        List<Transport> transports, List<String> canSubscribe, MembershipFormat format) {

    public JoinRequest {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(application, "application");
        transports = List.copyOf(transports);
        canSubscribe = List.copyOf(canSubscribe);
        Objects.requireNonNull(format, "format");
        if (roomId.isEmpty()) {
            throw new IllegalArgumentException("empty roomId");
        }
        if (!slotId.application().equals(application.type())) {
            throw new IllegalArgumentException("slot " + slotId + " is not for application " + application.type());
        }
    }

    /** A request for the room-wide call slot {@code m.call#ROOM}, following the room's format. */
    public static JoinRequest roomCall(String roomId, Application application, List<Transport> transports) {
        return new JoinRequest(Optional.empty(), roomId, SlotId.ROOM_CALL, application, transports, List.of(),
                MembershipFormat.AUTO);
    }

    /** @return this request in another format */
    public JoinRequest withFormat(MembershipFormat f) {
        return new JoinRequest(userId, roomId, slotId, application, transports, canSubscribe, f);
    }

    /** @return this request for another account */
    public JoinRequest withUserId(String user) {
        return new JoinRequest(Optional.of(user), roomId, slotId, application, transports, canSubscribe, format);
    }

    /** @return this request with other transports */
    public JoinRequest withTransports(List<Transport> t) {
        return new JoinRequest(userId, roomId, slotId, application, t, canSubscribe, format);
    }
}
