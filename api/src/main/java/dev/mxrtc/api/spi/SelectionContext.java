package dev.mxrtc.api.spi;

import java.util.List;
import java.util.Objects;

import dev.mxrtc.api.Member;

/**
 * What a {@link FocusSelection} decides from: the session's joined members, its recent departures and the instant.
 *
 * @param membersOldestFirst the session's joined members, oldest first (the runtime's session order)
 * @param departures members that left the session, in the order the runtime learned of them (algorithms must not
 *        depend on that order: clients receive leave events in different orders), within the algorithm's
 *        {@link FocusSelection#departureMemoryMs()}; a runtime may keep fewer (the core keeps at most 256 per session)
 * @param now the instant to decide for (ms since the epoch), from the runtime's clock
 */
public record SelectionContext(List<Member> membersOldestFirst, List<Departure> departures, long now) {

    public SelectionContext {
        Objects.requireNonNull(membersOldestFirst, "membersOldestFirst");
        departures = List.copyOf(departures);
    }

    /**
     * A member that left the session.
     *
     * @param member the member as it was last joined (its {@code created_ts}, transports and capabilities: a legacy
     *        {@code {}} leave has lost them)
     * @param leftTs when it left (ms since the epoch): the {@code origin_server_ts} of its leave event (sticky leave,
     *        legacy {@code {}}, room leave, slot closed), or its expiry instant; never the time a client noticed.
     *        Not before the member's {@code created_ts}.
     */
    public record Departure(Member member, long leftTs) {

        public Departure {
            Objects.requireNonNull(member, "member");
            leftTs = Math.max(leftTs, member.createdTs());
        }
    }
}
