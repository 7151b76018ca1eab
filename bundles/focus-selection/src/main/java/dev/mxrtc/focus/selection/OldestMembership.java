package dev.mxrtc.focus.selection;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

/**
 * {@code oldest_membership}: every member uses the first transport the oldest member publishes
 * ({@code foci_preferred[0]} / {@code transports.published[0]}), so all members converge on one focus.
 * Matches matrix-js-sdk 43 {@code CallMembership.getTransport}.
 */
@Component(property = FocusSelection.NAME_PROPERTY + "=" + FocusActive.OLDEST_MEMBERSHIP)
public final class OldestMembership implements FocusSelection {

    @Override
    public String name() {
        return FocusActive.OLDEST_MEMBERSHIP;
    }

    @Override
    public Optional<Transport> select(Member self, List<Member> membersOldestFirst) {
        Member oldest = membersOldestFirst.isEmpty() ? self : membersOldestFirst.get(0);
        return oldest.transports().stream().findFirst();
    }
}
