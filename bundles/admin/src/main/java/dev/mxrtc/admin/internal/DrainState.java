package dev.mxrtc.admin.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.admin.Drain;

/**
 * The drain flag, one atomic reference (empty = not draining, else since when). Its own immediate component so
 * the flag outlives a reconfigured or restarted console servlet; it resets only when the bundle stops.
 */
@Component(immediate = true, service = {Drain.class, DrainControl.class})
public final class DrainState implements DrainControl {

    private static final Logger LOG = LoggerFactory.getLogger(DrainState.class);

    private final Clock clock;
    private final AtomicReference<Optional<Instant>> since = new AtomicReference<>(Optional.empty());

    @Activate
    public DrainState() {
        this(Clock.systemUTC());
    }

    DrainState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean draining() {
        return since.get().isPresent();
    }

    @Override
    public Optional<Instant> since() {
        return since.get();
    }

    @Override
    public boolean start() {
        Optional<Instant> now = Optional.of(clock.instant());
        boolean changed = since.getAndUpdate(p -> p.isPresent() ? p : now).isEmpty();
        if (changed) {
            LOG.info("admin: draining started, new participations are refused");
        }
        return changed;
    }

    @Override
    public boolean stop() {
        Optional<Instant> before = since.getAndSet(Optional.empty());
        if (before.isPresent()) {
            LOG.info("admin: draining stopped (had drained since {})", before.get());
        }
        return before.isPresent();
    }
}
