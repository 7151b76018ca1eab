package dev.mxrtc.core.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.api.spi.Selection;
import dev.mxrtc.api.spi.SelectionContext;

/**
 * The focus selection algorithms known now, looked up by name. The core never hard-codes an algorithm:
 * a session's active transport is what the algorithm named by its oldest member says, and it is empty
 * while no implementation of that name is present. Not thread-safe: owned by one thread.
 */
public final class Selections {

    /** The longest departure memory the core keeps: the longest a sticky leave event is visible to every member. */
    public static final long MAX_DEPARTURE_MEMORY_MS = 3_600_000;

    private final List<FocusSelection> available = new ArrayList<>();
    private long departureMemoryMs;

    public Selections() {
    }

    public Selections(Iterable<? extends FocusSelection> selections) {
        selections.forEach(available::add);
        departureMemoryMs = memory();
    }

    public void add(FocusSelection selection) {
        available.add(selection);
        departureMemoryMs = memory();
    }

    public void remove(FocusSelection selection) {
        available.remove(selection);
        departureMemoryMs = memory();
    }

    /** @return the first registered implementation of {@code name} */
    public Optional<FocusSelection> get(String name) {
        for (FocusSelection s : available) {
            if (name.equals(s.name())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * @return how long departures must be kept: the longest {@link FocusSelection#departureMemoryMs()} of the
     *         algorithms present, capped at {@link #MAX_DEPARTURE_MEMORY_MS}; 0 when none needs any
     */
    public long departureMemoryMs() {
        return departureMemoryMs;
    }

    private long memory() {
        long max = 0;
        for (FocusSelection s : available) {
            try {
                max = Math.max(max, Math.min(MAX_DEPARTURE_MEMORY_MS, s.departureMemoryMs()));
            } catch (RuntimeException e) {
                // a broken algorithm keeps no departures
            }
        }
        return max;
    }

    /**
     * The active transport of a session: js-sdk {@code oldest.getTransport(oldest)}, asked of the algorithm the
     * oldest member names. A legacy oldest member names it in {@code focus_active.focus_selection}. A sticky one
     * publishes on {@code transports.published[0]}, which is {@code oldest_membership} seen from the oldest
     * member, unless that first transport's type is itself the name of an algorithm present (such as
     * {@code full_mesh_into_livekit}): then that algorithm decides.
     *
     * @param membersOldestFirst the session's members, oldest first (not empty)
     * @param departures the session's recent departures, in the order recorded
     * @param now the instant to decide for
     * @return the transport (empty when the algorithm is absent, cannot tell or fails) and when to ask again
     */
    public Selection select(List<Member> membersOldestFirst, List<SelectionContext.Departure> departures, long now) {
        Member oldest = membersOldestFirst.get(0);
        Optional<FocusSelection> selection = algorithm(oldest);
        if (selection.isEmpty()) {
            return Selection.of(Optional.empty());
        }
        try {
            Selection chosen = selection.get().select(oldest, new SelectionContext(membersOldestFirst, departures, now));
            return chosen == null ? Selection.of(Optional.empty()) : chosen;
        } catch (RuntimeException e) {
            return Selection.of(Optional.empty()); // a broken algorithm gives no transport, never a broken session
        }
    }

    private Optional<FocusSelection> algorithm(Member oldest) {
        if (oldest.format() == MemberFormat.STICKY) {
            if (!oldest.transports().isEmpty()) {
                Optional<FocusSelection> named = get(oldest.transports().get(0).type());
                if (named.isPresent()) {
                    return named;
                }
            }
            return get(FocusActive.OLDEST_MEMBERSHIP);
        }
        return get(oldest.focusActive().map(FocusActive::focusSelection).orElse(""));
    }
}
