package dev.mxrtc.itest.focusv2;

import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

/**
 * A deliberately different {@code oldest_membership} for the "v2" of the focus-selection bundle that
 * {@link dev.mxrtc.itest.RuntimeIT} swaps in at run time: it picks the oldest member's <em>last</em>
 * preferred transport instead of the first, so the test can tell which implementation the core is using.
 * Test-only: not a valid algorithm for real calls.
 */
public final class LastPreferredOldestMembership implements FocusSelection {

    @Override
    public String name() {
        return "oldest_membership";
    }

    @Override
    public Optional<Transport> select(Member self, List<Member> membersOldestFirst) {
        Member oldest = membersOldestFirst.isEmpty() ? self : membersOldestFirst.get(0);
        List<Transport> t = oldest.transports();
        return t.isEmpty() ? Optional.empty() : Optional.of(t.get(t.size() - 1));
    }
}
