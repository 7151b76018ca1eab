package dev.mxrtc.call.history;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.call.CallHistory;
import dev.mxrtc.call.CallRecord;

/**
 * Records every session ({@link RtcSessionListener}) into {@link HistoryStore} and offers it as {@link CallHistory}.
 * One thread owns the database connection; listener calls only enqueue. A heartbeat every
 * {@code heartbeat_ms} keeps the crash-recovery time close to the real stop.
 */
@Component(immediate = true, service = {CallHistory.class, RtcSessionListener.class},
        configurationPid = HistoryComponent.PID)
@Designate(ocd = HistoryComponent.Config.class)
public final class HistoryComponent implements CallHistory, RtcSessionListener {

    public static final String PID = "dev.mxrtc.call.history";

    @ObjectClassDefinition(name = "mxrtc call history", description = "Where and how the call history is kept")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the H2 database (call-history.mv.db); empty: the bundle's data area")
        String data__dir() default "";

        @AttributeDefinition(description = "How often the runtime records that it is alive, ms")
        long heartbeat__ms() default 30_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(HistoryComponent.class);

    private final InstantSource clock;
    private final ScheduledExecutorService actor;
    private final HistoryStore store;

    @Activate
    public HistoryComponent(BundleContext context, Config config) throws Exception {
        this(dataDir(context, config), config.heartbeat__ms(), InstantSource.system());
    }

    /** Outside OSGi (tests): the store in {@code dataDir}. */
    public HistoryComponent(Path dataDir, long heartbeatMs, InstantSource clock) throws Exception {
        this.clock = clock;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mxrtc-call-history");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.actor = executor;
        java.nio.file.Files.createDirectories(dataDir);
        this.store = executor.submit(() -> HistoryStore.open(dataDir)).get(30, TimeUnit.SECONDS);
        actor.scheduleWithFixedDelay(() -> {
            try {
                store.heartbeat(clock.millis());
            } catch (SQLException e) {
                LOG.warn("call history heartbeat failed", e);
            }
        }, heartbeatMs, Math.max(1000, heartbeatMs), TimeUnit.MILLISECONDS);
        LOG.info("call history in {}", dataDir.toAbsolutePath());
    }

    @Override
    public void onSessionEvent(SessionEvent event) {
        long now = clock.millis();
        actor.execute(() -> {
            try {
                store.apply(event, now);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("room {} slot {}: recording {} failed", event.session().roomId(), event.session().slotId(),
                        event.getClass().getSimpleName(), e);
            }
        });
    }

    @Override
    public List<CallRecord> calls(String roomId, int limit) {
        return onActor(() -> store.calls(roomId, limit));
    }

    @Override
    public Optional<CallRecord> call(long id) {
        return onActor(() -> store.call(id));
    }

    /** Waits until every event handed over so far is stored (tests). */
    public void flush() {
        onActor(() -> null);
    }

    @Deactivate
    public void close() {
        try {
            actor.submit(() -> {
                store.closeOpenCalls(clock.millis(), HistoryStore.RUNTIME_STOPPED);
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing the open calls failed; they are closed at the next start", e);
        }
        shutdown();
    }

    /** Stops without closing open calls, as a crash would (tests). */
    public void crash() {
        shutdown();
    }

    private void shutdown() {
        try {
            actor.submit(() -> {
                store.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing the call history database failed", e);
        }
        actor.shutdownNow();
    }

    private <T> T onActor(Callable<T> task) {
        try {
            return actor.submit(task).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("call history query failed", e);
        }
    }

    private static Path dataDir(BundleContext context, Config config) {
        if (!config.data__dir().isBlank()) {
            return Path.of(config.data__dir());
        }
        java.io.File area = context.getDataFile("history");
        if (area == null) {
            throw new IllegalStateException("no bundle data area; configure data_dir");
        }
        return area.toPath();
    }
}
