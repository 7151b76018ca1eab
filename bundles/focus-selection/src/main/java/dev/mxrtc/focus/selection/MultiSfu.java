package dev.mxrtc.focus.selection;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

/**
 * {@code multi_sfu}: each member publishes on its own first transport; subscribers connect to every
 * distinct one. Matches matrix-js-sdk 43 {@code CallMembership.getTransport}.
 */
@Component(property = FocusSelection.NAME_PROPERTY + "=" + FocusActive.MULTI_SFU)
public final class MultiSfu implements FocusSelection {

    @Override
    public String name() {
        return FocusActive.MULTI_SFU;
    }

    @Override
    public Optional<Transport> select(Member self, List<Member> membersOldestFirst) {
        return self.transports().stream().findFirst();
    }
}
