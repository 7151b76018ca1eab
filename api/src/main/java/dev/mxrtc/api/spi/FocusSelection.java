package dev.mxrtc.api.spi;

import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;

/**
 * A focus selection algorithm ({@code focus_active.focus_selection}, e.g. {@code oldest_membership},
 * {@code multi_sfu}): how each member chooses the transport it uses so that all members converge.
 *
 * <p>Implementations must be pure and deterministic: every member of a session, running any
 * implementation of the same algorithm, must get the same answer from the same memberships.
 * Register as a service with the property {@value #NAME_PROPERTY}.
 */
public interface FocusSelection {

    /** Service property naming the algorithm. */
    String NAME_PROPERTY = "mxrtc.focus.selection";

    /** @return the algorithm's name, as it appears in {@code focus_selection} */
    String name();

    /**
     * @param self the member choosing
     * @param membersOldestFirst the session's joined members, oldest first
     * @return the transport {@code self} uses, or empty if the algorithm cannot tell
     */
    Optional<Transport> select(Member self, List<Member> membersOldestFirst);
}
