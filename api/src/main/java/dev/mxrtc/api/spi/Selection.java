package dev.mxrtc.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.mxrtc.api.Transport;

/**
 * The answer of {@link FocusSelection#select(dev.mxrtc.api.Member, SelectionContext)}.
 *
 * @param transport the transport to use, or empty if the algorithm cannot tell
 * @param reevaluateAt the next instant (ms since the epoch) at which the answer may change by itself, with no new
 *        member event (the end of a hold, a departure leaving the memory); empty if it only changes with events.
 *        The runtime asks again then.
 */
public record Selection(Optional<Transport> transport, OptionalLong reevaluateAt) {

    public Selection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(reevaluateAt, "reevaluateAt");
    }

    /** @return an answer that changes only with member events */
    public static Selection of(Optional<Transport> transport) {
        return new Selection(transport, OptionalLong.empty());
    }
}
