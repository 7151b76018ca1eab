package dev.mxrtc.api.spi;

import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;

/**
 * A focus selection algorithm ({@code focus_active.focus_selection}, e.g. {@code oldest_membership},
 * {@code multi_sfu}, {@code full_mesh_into_livekit}): how each member chooses the transport it uses so that all
 * members converge.
 *
 * <p>Implementations must be pure and deterministic: every member of a session, running any
 * implementation of the same algorithm, must get the same answer from the same memberships.
 * Register as a service with the property {@value #NAME_PROPERTY}.
 *
 * <h2>Algorithms that depend on departures and time</h2>
 *
 * Some algorithms (hysteresis, such as {@code full_mesh_into_livekit}'s "back to mesh only after a hold time") need
 * more than the joined members: the session's recent departures and the current instant. They implement
 * {@link #select(Member, SelectionContext)} and declare with {@link #departureMemoryMs()} how far back departures
 * matter. The answer must still be a pure function of its inputs, and a <em>step function of time</em>: constant
 * until {@link Selection#reevaluateAt()} unless the members or departures change. The runtime (the core) then:
 * <ul>
 * <li>records the departures of every session (member as last joined, and {@code leftTs}: the
 * {@code origin_server_ts} of the leave event, or the expiry instant; never the time it noticed), keeps those within
 * the longest memory any registered algorithm declares (capped at one hour, the longest a sticky leave event is
 * visible to every member) and at most a bounded number per session;</li>
 * <li>passes {@code now} from its injected clock;</li>
 * <li>asks again at {@code reevaluateAt} without waiting for an event, so a hold that ends changes the session's
 * active transport by itself.</li>
 * </ul>
 * Algorithms that only need the joined members implement {@link #select(Member, List)} alone: the default
 * {@link #select(Member, SelectionContext)} delegates to it and never asks for re-evaluation.
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

    /**
     * The full question: joined members, recent departures and the current instant. The default asks
     * {@link #select(Member, List)} and needs no re-evaluation, so existing algorithms keep working unchanged.
     *
     * @param self the member choosing
     * @param context the session's joined members (oldest first), departures within {@link #departureMemoryMs()}
     *        and {@code now}
     * @return the transport {@code self} uses (empty if the algorithm cannot tell) and when to ask again
     */
    default Selection select(Member self, SelectionContext context) {
        return Selection.of(select(self, context.membersOldestFirst()));
    }

    /**
     * How far back (ms) departures matter to this algorithm; 0, the default, means not at all and the runtime
     * need not record any for it. A runtime may cap it (the core caps it at one hour).
     *
     * @return the departure memory in ms, not negative
     */
    default long departureMemoryMs() {
        return 0;
    }
}
