package dev.mxrtc.focus.runtime;

import java.util.Optional;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;

/** Which transport a local member connects through: a pure function of the session and the member. */
final class TransportChoice {

    private TransportChoice() {
    }

    /**
     * Under {@code multi_sfu} (a legacy member that names it) and for sticky members, a member publishes on its own
     * first transport; otherwise (legacy {@code oldest_membership}) every member converges on the session's active
     * transport.
     *
     * @return the transport, empty if none can be determined
     */
    static Optional<Transport> of(Session session, Member self) {
        boolean ownTransport = self.format() == MemberFormat.STICKY
                || self.focusActive().map(f -> FocusActive.MULTI_SFU.equals(f.focusSelection())).orElse(false);
        if (ownTransport) {
            return self.transports().isEmpty() ? Optional.empty() : Optional.of(self.transports().get(0));
        }
        return session.activeTransport();
    }
}
