package dev.mxrtc.core.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

/**
 * The focus selection algorithms known now, looked up by name. The core never hard-codes an algorithm:
 * a session's active transport is what the algorithm named by its oldest member says, and it is empty
 * while no implementation of that name is present. Not thread-safe: owned by one thread.
 */
public final class Selections {

    private final List<FocusSelection> available = new ArrayList<>();

    public Selections() {
    }

    public Selections(Iterable<? extends FocusSelection> selections) {
        selections.forEach(available::add);
    }

    public void add(FocusSelection selection) {
        available.add(selection);
    }

    public void remove(FocusSelection selection) {
        available.remove(selection);
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
     * The active transport of a session: js-sdk {@code oldest.getTransport(oldest)}. A legacy oldest member
     * names its algorithm in {@code focus_active.focus_selection}; a sticky one publishes on
     * {@code transports.published[0]}, which is {@code oldest_membership} seen from the oldest member.
     *
     * @param membersOldestFirst the session's members, oldest first (not empty)
     */
    public Optional<Transport> activeTransport(List<Member> membersOldestFirst) {
        Member oldest = membersOldestFirst.get(0);
        String name = oldest.format() == MemberFormat.STICKY
                ? FocusActive.OLDEST_MEMBERSHIP
                : oldest.focusActive().map(FocusActive::focusSelection).orElse("");
        Optional<FocusSelection> selection = get(name);
        if (selection.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<Transport> chosen = selection.get().select(oldest, membersOldestFirst);
            return chosen == null ? Optional.empty() : chosen;
        } catch (RuntimeException e) {
            return Optional.empty(); // a broken algorithm gives no transport, never a broken session
        }
    }
}
