package dev.mxrtc.focus.runtime;

import java.util.Comparator;
import java.util.Objects;

import dev.mxrtc.api.spi.FocusBackend;

/**
 * A registered {@link FocusBackend} with what decides between backends of one type.
 *
 * @param serviceId the service id (unique per registration, so a re-registered backend is a new one)
 * @param ranking the service ranking
 * @param type the transport type it serves
 * @param backend the service
 */
record BackendRef(long serviceId, int ranking, String type, FocusBackend backend) {

    /** OSGi order: highest ranking first, then the lowest (oldest) service id. */
    static final Comparator<BackendRef> PREFERRED = Comparator.comparingInt(BackendRef::ranking).reversed()
            .thenComparingLong(BackendRef::serviceId);

    BackendRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(backend, "backend");
    }

    @Override
    public String toString() {
        return type + "#" + serviceId + "(ranking " + ranking + ")";
    }
}
