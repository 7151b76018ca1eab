package dev.mxrtc.admin;

import java.time.Instant;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether the operator asked this runtime to drain: stop accepting new participations and let the current
 * ones end (Jitsi's "graceful shutdown" mode). The admin console sets it ({@code POST /mxrtc/admin/drain});
 * bundles that start participations read it and refuse new ones while it is set. The flag lives in memory:
 * it resets when the admin bundle restarts.
 */
@ProviderType
public interface Drain {

    /** @return whether the runtime is draining */
    boolean draining();

    /** @return when draining started, if it is draining */
    Optional<Instant> since();
}
