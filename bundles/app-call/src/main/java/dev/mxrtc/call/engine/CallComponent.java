package dev.mxrtc.call.engine;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.call.CallEvent;
import dev.mxrtc.call.CallListener;
import dev.mxrtc.call.CallService;
import dev.mxrtc.call.IncomingRing;
import dev.mxrtc.call.Mentions;
import dev.mxrtc.call.NotificationType;
import dev.mxrtc.call.OutgoingRing;
import dev.mxrtc.call.RaisedHand;
import dev.mxrtc.call.RingOutcome;
import dev.mxrtc.call.ring.RingRules;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.OutgoingEvent;
import dev.mxrtc.matrix.Relations;
import dev.mxrtc.matrix.SendResult;
import dev.mxrtc.matrix.SyncBatch;

/**
 * {@link CallService} for one account ({@code client.target} picks it when there are several): sends in
 * matrix-js-sdk 43 / Element Call shapes and runs a {@link CallEngine} on one thread, fed by the account's sync
 * batches and the core's session events; tells {@link CallListener} services what happens.
 */
@Component(immediate = true, service = {CallService.class, RtcSessionListener.class},
        configurationPid = CallComponent.PID)
@Designate(ocd = CallComponent.Config.class)
public final class CallComponent implements CallService, RtcSessionListener, AutoCloseable {

    public static final String PID = "dev.mxrtc.call";

    @ObjectClassDefinition(name = "mxrtc m.call", description = "Ringing, declines, reactions and hands")
    public @interface Config {
        @AttributeDefinition(description = "How long ring() waits for this device's membership to be seen, ms")
        long membership__wait__ms() default 5_000;

        @AttributeDefinition(description = "Also send the deprecated org.matrix.msc4075.call.notify, as Element Call does")
        boolean legacy__notify() default true;
    }

    /** Decline stickiness: js-sdk's sendRtcDecline default (the longest a notification may ring). */
    static final long DECLINE_STICKY_MS = RingRules.MAX_LIFETIME_MS;

    private static final Logger LOG = LoggerFactory.getLogger(CallComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MatrixClient client;
    private final InstantSource clock;
    private final long membershipWaitMs;
    private final boolean legacyNotify;
    private final ScheduledThreadPoolExecutor actor;
    private final CallEngine engine;
    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable syncRegistration;
    private ScheduledFuture<?> expiryTimer; // actor only

    @Activate
    public CallComponent(@Reference(name = "client") MatrixClient client, @Reference RtcSessions sessions,
            Config config) {
        this(client, sessions, InstantSource.system(), config.membership__wait__ms(), config.legacy__notify());
    }

    /** Outside OSGi (tests): listeners are added with {@link #addListener}. */
    public CallComponent(MatrixClient client, RtcSessions sessions, InstantSource clock, long membershipWaitMs,
            boolean legacyNotify) {
        this.client = client;
        this.clock = clock;
        this.membershipWaitMs = membershipWaitMs;
        this.legacyNotify = legacyNotify;
        this.actor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mxrtc-call-" + client.userId());
            t.setDaemon(true);
            return t;
        });
        actor.setRemoveOnCancelPolicy(true);
        this.engine = new CallEngine(client.userId(), sessions, this::tell, this::powerLevels, this::handAnnotations);
        this.syncRegistration = client.addSyncListener(this::onSync);
        LOG.info("m.call for {} started", client.userId());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(CallListener listener) {
        listeners.add(listener);
    }

    public void removeListener(CallListener listener) {
        listeners.remove(listener);
    }

    @Deactivate
    public void close() {
        try {
            syncRegistration.close();
        } catch (Exception e) {
            LOG.debug("sync listener already gone", e);
        }
        actor.shutdownNow();
        LOG.info("m.call for {} stopped", client.userId());
    }

    // incoming

    private void onSync(String userId, SyncBatch batch) {
        batch.joined().forEach((roomId, room) -> {
            var events = room.all();
            actor.execute(() -> {
                engine.onRoomEvents(roomId, events, clock.millis());
                scheduleExpiry();
            });
        });
    }

    @Override
    public void onSessionEvent(SessionEvent event) {
        actor.execute(() -> {
            engine.onSessionEvent(event, clock.millis());
            scheduleExpiry();
        });
    }

    private void scheduleExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
        engine.nextExpiry().ifPresent(ts -> expiryTimer = actor.schedule(() -> {
            engine.tick(clock.millis());
            scheduleExpiry();
        }, Math.max(0, ts - clock.millis()) + 1, TimeUnit.MILLISECONDS));
    }

    private void tell(CallEvent event) {
        for (CallListener l : listeners) {
            try {
                l.onCallEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("room {}: call listener failed on {}", event.roomId(), event.getClass().getSimpleName(), e);
            }
        }
    }

    private Optional<JsonNode> powerLevels(String roomId) {
        try {
            Optional<String> json = client.stateEvent(roomId, "m.room.power_levels", "");
            return json.isPresent() ? Optional.of(JSON.readTree(json.get())) : Optional.empty();
        } catch (Exception e) {
            LOG.warn("room {}: reading power levels failed", roomId, e);
            return Optional.empty();
        }
    }

    private List<dev.mxrtc.api.RoomEvent> handAnnotations(String roomId, String membershipEventId) {
        Relations page = client.relations(roomId, membershipEventId, Optional.of("m.annotation"),
                Optional.of(CallEngine.M_REACTION), Optional.empty());
        return page.chunk(); // one page (the server's default size) of hands on one membership is plenty
    }

    // outgoing

    @Override
    public String userId() {
        return client.userId();
    }

    @Override
    public RingOutcome ring(String roomId, SlotId slot, Mentions mentions, NotificationType type, Duration lifetime) {
        Optional<Member> mine = awaitMyMembership(roomId, slot);
        if (mine.isEmpty()) {
            LOG.info("room {}: not ringing slot {}: this device has no membership", roomId, slot);
            return new RingOutcome.NotJoined(roomId, slot.value());
        }
        long lifetimeMs = Math.max(0, lifetime.toMillis());
        long now = clock.millis();
        ObjectNode content = JSON.createObjectNode();
        content.put("slot_id", slot.value());
        content.set("m.mentions", mentionsJson(mentions));
        content.put("notification_type", type.wireName());
        reference(content, mine.get().eventId());
        content.put("sender_ts", now);
        content.put("lifetime", lifetimeMs);
        mine.get().application().stringField("m.call.intent").ifPresent(i -> content.put("m.call.intent", i));
        content.put("msc4354_sticky_key", slot.value());
        boolean sticky = client.versions().supportsStickyEvents();
        OutgoingEvent event = OutgoingEvent.message(roomId, CallEngine.NOTIFICATION, content.toString());
        if (sticky) {
            event = event.sticky(Math.min(OutgoingEvent.MAX_STICKY_DURATION_MS,
                    lifetimeMs + RingRules.MAX_SENDER_TS_AHEAD_MS));
        }
        String id = eventId(client.send(event));
        Optional<String> legacy = Optional.empty();
        if (legacyNotify) {
            ObjectNode old = JSON.createObjectNode().put("application", slot.application())
                    .put("call_id", "ROOM".equals(slot.id()) ? "" : slot.id());
            old.set("m.mentions", mentionsJson(mentions));
            old.put("notify_type", type.legacyName());
            legacy = Optional.of(eventId(client.send(OutgoingEvent.message(roomId, CallEngine.LEGACY_NOTIFY,
                    old.toString()))));
        }
        OutgoingRing ring = new OutgoingRing(roomId, id, slot.value(), mentions,
                RingRules.expiry(now, Math.min(lifetimeMs, RingRules.MAX_LIFETIME_MS), now, now), Map.of(), false);
        onActor(() -> {
            engine.sent(ring);
            return null;
        });
        LOG.info("room {}: rang slot {} ({}, {} ms){}", roomId, slot, type.wireName(), lifetimeMs,
                sticky ? " sticky" : "");
        return new RingOutcome.Sent(id, legacy, sticky);
    }

    @Override
    public String decline(String roomId, String notificationEventId) {
        ObjectNode content = JSON.createObjectNode();
        reference(content, notificationEventId);
        content.put("msc4354_sticky_key", notificationEventId);
        OutgoingEvent event = OutgoingEvent.message(roomId, CallEngine.DECLINE, content.toString());
        if (client.versions().supportsStickyEvents()) {
            event = event.sticky(DECLINE_STICKY_MS);
        }
        String id = eventId(client.send(event));
        onActor(() -> {
            engine.declinedByMe(roomId, notificationEventId);
            return null;
        });
        LOG.info("room {}: declined notification {}", roomId, notificationEventId);
        return id;
    }

    @Override
    public Optional<String> react(String roomId, SlotId slot, String emoji, String name) {
        Optional<Member> mine = onActor(() -> engine.myMember(roomId, slot, client.deviceId()));
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode content = JSON.createObjectNode();
        reference(content, mine.get().eventId());
        content.put("emoji", emoji).put("name", name);
        return Optional.of(eventId(client.send(OutgoingEvent.message(roomId, CallEngine.REACTION, content.toString()))));
    }

    @Override
    public Optional<String> raiseHand(String roomId, SlotId slot) {
        Optional<Member> mine = onActor(() -> engine.myMember(roomId, slot, client.deviceId()));
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        Optional<RaisedHand> raised = myHand(roomId, slot);
        if (raised.isPresent() && raised.get().membershipEventId().equals(mine.get().eventId())) {
            return Optional.of(raised.get().reactionEventId());
        }
        ObjectNode content = JSON.createObjectNode();
        content.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", mine.get().eventId())
                .put("key", RaisedHand.KEY);
        return Optional.of(eventId(client.send(OutgoingEvent.message(roomId, CallEngine.M_REACTION,
                content.toString()))));
    }

    @Override
    public boolean lowerHand(String roomId, SlotId slot) {
        Optional<RaisedHand> raised = myHand(roomId, slot);
        raised.ifPresent(h -> client.redact(roomId, h.reactionEventId(), Optional.empty(), Optional.empty()));
        return raised.isPresent();
    }

    private Optional<RaisedHand> myHand(String roomId, SlotId slot) {
        return raisedHands(roomId, slot).stream()
                .filter(h -> h.userId().equals(client.userId()) && h.deviceId().equals(client.deviceId())).findFirst();
    }

    @Override
    public List<IncomingRing> ringing(String roomId) {
        return onActor(() -> engine.ringing(roomId));
    }

    @Override
    public List<OutgoingRing> outgoing(String roomId) {
        return onActor(() -> engine.outgoing(roomId));
    }

    @Override
    public List<RaisedHand> raisedHands(String roomId, SlotId slot) {
        return onActor(() -> engine.hands(roomId, slot.value()));
    }

    private Optional<Member> awaitMyMembership(String roomId, SlotId slot) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(membershipWaitMs);
        while (true) {
            Optional<Member> mine = onActor(() -> engine.myMember(roomId, slot, client.deviceId()));
            if (mine.isPresent() || System.nanoTime() >= deadline) {
                return mine;
            }
            try {
                Thread.sleep(50); // the core sees our own membership with the next sync
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private <T> T onActor(Callable<T> task) {
        try {
            return actor.submit(task).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("m.call engine call failed", e);
        }
    }

    private static ObjectNode mentionsJson(Mentions mentions) {
        ObjectNode m = JSON.createObjectNode();
        var users = m.putArray("user_ids");
        mentions.userIds().forEach(users::add);
        m.put("room", mentions.room());
        return m;
    }

    private static void reference(ObjectNode content, String eventId) {
        content.putObject("m.relates_to").put("rel_type", "m.reference").put("event_id", eventId);
    }

    private static String eventId(SendResult result) {
        return switch (result) {
            case SendResult.Sent sent -> sent.eventId();
            case SendResult.Scheduled scheduled -> throw new IllegalStateException("not a delayed send");
        };
    }
}
