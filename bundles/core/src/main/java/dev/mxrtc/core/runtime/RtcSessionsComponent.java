package dev.mxrtc.core.runtime;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.RejectedEvent;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Slot;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.FocusSelection;

/**
 * The core as an OSGi service: {@link RtcSessions} and {@link RoomEventSink}, backed by a
 * {@link SessionService} whose actor is one daemon thread (also the expiry timer). Focus selection
 * algorithms and session listeners are dynamic, multiple, greedy references: an algorithm bundle can be
 * swapped at runtime and the sessions stay, only their active transports are recomputed.
 */
@Component(immediate = true, service = {RtcSessions.class, RoomEventSink.class})
@Designate(ocd = RtcSessionsComponent.Config.class)
public final class RtcSessionsComponent implements RtcSessions, RoomEventSink {

    @ObjectClassDefinition(name = "mxrtc core", description = "MatrixRTC session computation")
    public @interface Config {
        @AttributeDefinition(description = "How many rejected events to keep per room")
        int rejectedHistory() default 256;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RtcSessionsComponent.class);

    private final ScheduledThreadPoolExecutor executor;
    private final SessionService service;

    @Activate
    public RtcSessionsComponent(Config config) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mxrtc-core-sessions");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        service = new SessionService(InstantSource.system(), this::onActor,
                (task, delay) -> {
                    var f = executor.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                }, Math.max(1, config.rejectedHistory()));
        LOG.info("mxrtc core started");
    }

    /**
     * Runs a task on the actor. Once deactivated, SCR still calls the dynamic unbind methods (after
     * {@code @Deactivate}): there is nothing left to update then, so the task is dropped, not an error.
     */
    private void onActor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("mxrtc core stopped: dropping a late task");
        }
    }

    @Deactivate
    void deactivate() {
        try {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("mxrtc core: stopping the actor failed", e);
        }
        LOG.info("mxrtc core stopped");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSelection(FocusSelection selection) {
        service.addSelection(selection);
    }

    void removeSelection(FocusSelection selection) {
        service.removeSelection(selection);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addListener(RtcSessionListener listener, Map<String, Object> properties) {
        Object room = properties.get(RtcSessionListener.ROOM_PROPERTY);
        service.addListener(listener, room == null ? null : room.toString());
    }

    void removeListener(RtcSessionListener listener) {
        service.removeListener(listener);
    }

    @Override
    public void onRoomEvents(String roomId, List<RoomEvent> events) {
        service.onRoomEvents(roomId, events);
    }

    @Override
    public void onRoomLeft(String roomId) {
        service.onRoomLeft(roomId);
    }

    @Override
    public Set<String> rooms() {
        return service.rooms();
    }

    @Override
    public List<Session> sessions(String roomId) {
        return service.sessions(roomId);
    }

    @Override
    public Optional<Session> session(String roomId, SlotId slotId) {
        return service.session(roomId, slotId);
    }

    @Override
    public Optional<Slot> slot(String roomId, SlotId slotId) {
        return service.slot(roomId, slotId);
    }

    @Override
    public List<RejectedEvent> rejected(String roomId) {
        return service.rejected(roomId);
    }
}
