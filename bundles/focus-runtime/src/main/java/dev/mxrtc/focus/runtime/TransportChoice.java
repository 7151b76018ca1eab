package dev.mxrtc.focus.runtime;

import java.util.Optional;
import java.util.Set;

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
     * transport. A sticky member whose first transport's type names a selection algorithm (e.g.
     * {@code full_mesh_into_livekit}) publishes no transport of that type: the algorithm decides, so it converges on
     * the session's active transport too (the core computes it with that algorithm).
     *
     * @param selections names of the selection algorithms present ({@link Transport#FULL_MESH_INTO_LIVEKIT} always
     *        counts as one: no backend implements a transport of that type)
     * @return the transport, empty if none can be determined
     */
    static Optional<Transport> of(Session session, Member self, Set<String> selections) {
        boolean ownTransport = self.format() == MemberFormat.STICKY
                || self.focusActive().map(f -> FocusActive.MULTI_SFU.equals(f.focusSelection())).orElse(false);
        if (ownTransport) {
            if (self.transports().isEmpty()) {
                return Optional.empty();
            }
            Transport first = self.transports().get(0);
            if (self.format() == MemberFormat.STICKY && names(first.type(), selections)) {
                return session.activeTransport();
            }
            return Optional.of(first);
        }
        return session.activeTransport();
    }

    private static boolean names(String type, Set<String> selections) {
        return Transport.FULL_MESH_INTO_LIVEKIT.equals(type) || selections.contains(type);
    }
}
