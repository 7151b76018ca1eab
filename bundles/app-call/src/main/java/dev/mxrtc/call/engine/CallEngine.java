package dev.mxrtc.call.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.call.CallEvent;
import dev.mxrtc.call.Decline;
import dev.mxrtc.call.IncomingRing;
import dev.mxrtc.call.OutgoingRing;
import dev.mxrtc.call.RaisedHand;
import dev.mxrtc.call.Reaction;
import dev.mxrtc.call.ring.RingRules;
import dev.mxrtc.call.ring.RingRules.NotificationEvent;
import dev.mxrtc.call.ring.RingRules.Verdict;

/**
 * The call state of one account, confined to one thread (the caller's actor): incoming rings, outgoing rings and
 * their declines, raised hands. Fed with room events from sync and session events from the core; tells
 * {@link CallEvent}s to a consumer.
 *
 * <pre>
 * incoming notification ──rules──▶ RINGING ──expired / joined / declined / slot_closed / superseded / withdrawn──▶ ENDED
 *                       └─fails──▶ NotificationIgnored(reason)
 * outgoing notification ──▶ RINGING ──decline by the callee (1:1)──▶ ENDED;  group: per-participant declines
 * hand: m.reaction 🖐️ on own membership ──▶ RAISED ──redaction / membership left or re-sent──▶ LOWERED
 * </pre>
 */
public final class CallEngine {

    public static final String NOTIFICATION = "org.matrix.msc4075.rtc.notification";
    public static final String LEGACY_NOTIFY = "org.matrix.msc4075.call.notify";
    public static final String DECLINE = "org.matrix.msc4310.rtc.decline";
    public static final String REACTION = "io.element.call.reaction";
    public static final String M_REACTION = "m.reaction";
    static final String SLOT = "org.matrix.msc4143.rtc.slot";
    static final String RTC_MEMBER = "org.matrix.msc4143.rtc.member";

    private static final Logger LOG = LoggerFactory.getLogger(CallEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Loads the {@code m.reaction} annotations of a membership event (the {@code /relations} API). */
    public interface AnnotationLoader extends BiFunction<String, String, List<RoomEvent>> {
    }

    private final String me;
    private final RtcSessions sessions;
    private final Consumer<CallEvent> emit;
    private final Function<String, Optional<JsonNode>> powerLevels;
    private final AnnotationLoader annotations;
    private final Map<String, RoomFacts> rooms = new HashMap<>();
    private final Map<String, IncomingRing> ringing = new LinkedHashMap<>();
    private final Map<String, OutgoingRing> outgoing = new LinkedHashMap<>();
    /** membership event id → hand. */
    private final Map<String, RaisedHand> hands = new LinkedHashMap<>();

    public CallEngine(String me, RtcSessions sessions, Consumer<CallEvent> emit,
            Function<String, Optional<JsonNode>> powerLevels, AnnotationLoader annotations) {
        this.me = me;
        this.sessions = sessions;
        this.emit = emit;
        this.powerLevels = powerLevels;
        this.annotations = annotations;
    }

    private RoomFacts room(String roomId) {
        return rooms.computeIfAbsent(roomId, r -> new RoomFacts(r, me, sessions, powerLevels));
    }

    /** Room events from sync (state, timeline, sticky), in order. */
    public void onRoomEvents(String roomId, List<RoomEvent> events, long now) {
        for (RoomEvent e : events) {
            try {
                onRoomEvent(e, now);
            } catch (RuntimeException ex) {
                LOG.warn("room {}: event {} ({}) failed", roomId, e.eventId(), e.type(), ex);
            }
        }
    }

    private void onRoomEvent(RoomEvent e, long now) {
        JsonNode content;
        try {
            content = JSON.readTree(e.contentJson());
        } catch (java.io.IOException ex) {
            return;
        }
        RoomFacts facts = room(e.roomId());
        switch (e.type()) {
            case SLOT -> e.stateKey().ifPresent(k -> facts.slotEvent(k, content));
            case "m.room.power_levels" -> facts.powerLevels(content);
            case RTC_MEMBER -> {
                if (e.sender().equals(me) && content.path("slot_id").isTextual() && !content.has("application")) {
                    facts.ownLeft(content.path("slot_id").asText(), e.originServerTs());
                }
            }
            case NOTIFICATION -> onNotification(e, content, facts, now);
            case DECLINE -> onDecline(e, content, facts);
            case REACTION -> onReaction(e, content, facts);
            case M_REACTION -> onAnnotation(e, content, facts, true);
            case "m.room.redaction" -> onRedaction(e, content);
            default -> {
            }
        }
    }

    private void onNotification(RoomEvent e, JsonNode content, RoomFacts facts, long now) {
        boolean sticky = e.stickyDurationMs().isPresent();
        if (sticky) {
            String key = content.path("msc4354_sticky_key").asText(content.path("slot_id").asText(""));
            if (facts.stickyNotification(e.sender(), key, e.eventId(), e.originServerTs())) {
                // a newer notification (or a withdrawal) of the sender for the slot replaces the one that rings
                for (IncomingRing r : List.copyOf(ringing.values())) {
                    if (r.roomId().equals(e.roomId()) && r.sender().equals(e.sender()) && r.slotId().equals(key)
                            && !r.eventId().equals(e.eventId())) {
                        end(r, content.size() <= 1 ? "withdrawn" : "superseded");
                    }
                }
            }
        }
        if (ringing.containsKey(e.eventId())) {
            return; // the same event again (timeline and sticky section, or a snapshot)
        }
        Verdict v = RingRules.check(new NotificationEvent(e.eventId(), e.sender(), e.originServerTs(), sticky, content),
                facts.ringFacts(now));
        switch (v) {
            case Verdict.Rings rings -> {
                var n = rings.notification();
                IncomingRing ring = new IncomingRing(e.roomId(), e.eventId(), e.sender(), rings.slotId(), n.type(),
                        n.intent(), n.senderTs(), n.lifetimeMs(), rings.expiresTs(), n.membershipEventId());
                ringing.put(e.eventId(), ring);
                LOG.info("room {}: {} rings slot {} until {}", e.roomId(), e.sender(), rings.slotId(), rings.expiresTs());
                emit.accept(new CallEvent.RingStarted(ring));
            }
            case Verdict.NoRing no -> {
                if (!e.sender().equals(me)) {
                    LOG.debug("room {}: notification {} does not ring: {}", e.roomId(), e.eventId(), no.reason());
                    emit.accept(new CallEvent.NotificationIgnored(e.roomId(), e.eventId(), e.sender(), no.reason()));
                }
            }
        }
    }

    private void onDecline(RoomEvent e, JsonNode content, RoomFacts facts) {
        Optional<String> target = reference(content);
        if (target.isEmpty()) {
            emit.accept(new CallEvent.Rejected(e.roomId(), e.eventId(), e.type(), "malformed_content"));
            return;
        }
        String notification = target.get();
        if (e.sender().equals(me)) {
            facts.declinedByMe(notification);
            IncomingRing r = ringing.get(notification);
            if (r != null) {
                end(r, "declined");
            }
            return;
        }
        OutgoingRing out = outgoing.get(notification);
        if (out == null) {
            emit.accept(new CallEvent.Rejected(e.roomId(), e.eventId(), e.type(), "unknown_notification"));
            return;
        }
        if (out.declinedBy().containsKey(e.sender())) {
            return; // duplicate delivery
        }
        if (facts.joined(e.sender(), out.slotId())) {
            emit.accept(new CallEvent.Rejected(e.roomId(), e.eventId(), e.type(), "already_joined"));
            return;
        }
        Map<String, String> declined = new LinkedHashMap<>(out.declinedBy());
        declined.put(e.sender(), e.eventId());
        boolean ends = out.oneToOne() && out.mentions().userIds().contains(e.sender());
        OutgoingRing after = new OutgoingRing(out.roomId(), out.eventId(), out.slotId(), out.mentions(),
                out.expiresTs(), declined, out.ended() || ends);
        outgoing.put(out.eventId(), after);
        LOG.info("room {}: {} declined notification {}{}", e.roomId(), e.sender(), notification,
                ends ? " (1:1: ringing stops)" : "");
        emit.accept(new CallEvent.Declined(new Decline(e.roomId(), e.eventId(), e.sender(), notification,
                e.originServerTs()), after));
    }

    private void onReaction(RoomEvent e, JsonNode content, RoomFacts facts) {
        Optional<String> target = reference(content);
        if (target.isEmpty() || !content.path("emoji").isTextual() || !content.path("name").isTextual()) {
            emit.accept(new CallEvent.Rejected(e.roomId(), e.eventId(), e.type(), "malformed_content"));
            return;
        }
        Optional<Member> member = facts.memberByEvent(target.get()).filter(m -> m.userId().equals(e.sender()));
        if (member.isEmpty()) {
            emit.accept(new CallEvent.Rejected(e.roomId(), e.eventId(), e.type(), "not_current_membership"));
            return;
        }
        Member m = member.get();
        emit.accept(new CallEvent.Reacted(new Reaction(e.roomId(), e.eventId(), e.sender(), m.deviceId(),
                m.slotId().value(), content.path("emoji").asText(), content.path("name").asText(), m.eventId(),
                e.originServerTs())));
    }

    private void onAnnotation(RoomEvent e, JsonNode content, RoomFacts facts, boolean reportRejects) {
        JsonNode rel = content.path("m.relates_to");
        if (!"m.annotation".equals(rel.path("rel_type").asText(null)) || !RaisedHand.KEY.equals(rel.path("key").asText(null))
                || !rel.path("event_id").isTextual()) {
            return; // some other reaction
        }
        String target = rel.path("event_id").asText();
        Optional<Member> member = facts.memberByEvent(target).filter(m -> m.userId().equals(e.sender()));
        if (member.isEmpty()) {
            if (reportRejects) {
                emit.accept(new CallEvent.Rejected(e.roomId(), e.eventId(), e.type(), "not_current_membership"));
            }
            return;
        }
        RaisedHand existing = hands.get(target);
        if (existing != null && existing.reactionEventId().equals(e.eventId())) {
            return;
        }
        Member m = member.get();
        RaisedHand hand = new RaisedHand(e.roomId(), m.slotId().value(), m.userId(), m.deviceId(), e.eventId(),
                m.eventId(), e.originServerTs());
        hands.put(target, hand);
        emit.accept(new CallEvent.HandRaised(hand));
    }

    private void onRedaction(RoomEvent e, JsonNode content) {
        String redacts = content.path("redacts").asText(null);
        if (redacts == null) {
            return;
        }
        for (RaisedHand h : List.copyOf(hands.values())) {
            if (h.reactionEventId().equals(redacts) && h.roomId().equals(e.roomId())) {
                hands.remove(h.membershipEventId());
                emit.accept(new CallEvent.HandLowered(h, "redacted"));
            }
        }
    }

    /** A session changed: rings may stop (joined, slot closed), hands go down with their membership. */
    public void onSessionEvent(SessionEvent event, long now) {
        String roomId = event.session().roomId();
        switch (event) {
            case SessionEvent.SessionStarted s -> s.session().members().forEach(this::loadHands);
            case SessionEvent.MemberJoined j -> loadHands(j.member());
            case SessionEvent.MemberLeft l -> lowerHandOf(l.member().eventId(), "membership_changed");
            case SessionEvent.MemberUpdated u -> {
                if (!u.before().eventId().equals(u.after().eventId())) {
                    lowerHandOf(u.before().eventId(), "membership_changed");
                }
            }
            case SessionEvent.SessionEnded ended -> ended.session().members()
                    .forEach(m -> lowerHandOf(m.eventId(), "membership_changed"));
            case SessionEvent.ActiveTransportChanged t -> {
            }
        }
        recheck(roomId, now);
    }

    /** Ends rings whose lifetime is over or whose rules no longer hold. */
    public void recheck(String roomId, long now) {
        RoomFacts facts = room(roomId);
        for (IncomingRing r : List.copyOf(ringing.values())) {
            if (!r.roomId().equals(roomId)) {
                continue;
            }
            var f = facts.ringFacts(now);
            if (now >= r.expiresTs()) {
                end(r, "expired");
            } else if (f.joined(r.slotId())) {
                end(r, "joined");
            } else if (!f.slotOpen(r.slotId()).orElse(false)) {
                end(r, "slot_closed");
            }
        }
        for (OutgoingRing o : List.copyOf(outgoing.values())) {
            if (o.roomId().equals(roomId) && !o.ended() && now >= o.expiresTs()) {
                outgoing.put(o.eventId(), new OutgoingRing(o.roomId(), o.eventId(), o.slotId(), o.mentions(),
                        o.expiresTs(), o.declinedBy(), true));
            }
        }
    }

    /** Every room with rings: called at ring expiry times. */
    public void tick(long now) {
        List.copyOf(rooms.keySet()).forEach(r -> recheck(r, now));
    }

    /** @return the earliest time a ring expires, if any rings */
    public Optional<Long> nextExpiry() {
        return ringing.values().stream().map(IncomingRing::expiresTs).min(Comparator.naturalOrder());
    }

    /** This account sent a notification. */
    public void sent(OutgoingRing ring) {
        outgoing.put(ring.eventId(), ring);
    }

    /** This account declined (before the decline comes back through sync). */
    public void declinedByMe(String roomId, String notificationId) {
        room(roomId).declinedByMe(notificationId);
        IncomingRing r = ringing.get(notificationId);
        if (r != null) {
            end(r, "declined");
        }
    }

    public List<IncomingRing> ringing(String roomId) {
        return ringing.values().stream().filter(r -> r.roomId().equals(roomId)).toList();
    }

    public List<OutgoingRing> outgoing(String roomId) {
        return outgoing.values().stream().filter(r -> r.roomId().equals(roomId) && !r.ended()).toList();
    }

    public List<RaisedHand> hands(String roomId, String slotId) {
        List<RaisedHand> out = new ArrayList<>(hands.values().stream()
                .filter(h -> h.roomId().equals(roomId) && h.slotId().equals(slotId)).toList());
        out.sort(Comparator.comparingLong(RaisedHand::ts));
        return out;
    }

    public Optional<Member> myMember(String roomId, dev.mxrtc.api.SlotId slot, String deviceId) {
        return room(roomId).myMember(slot, deviceId);
    }

    private void loadHands(Member m) {
        List<RoomEvent> existing;
        try {
            existing = annotations.apply(m.roomId(), m.eventId());
        } catch (RuntimeException ex) {
            LOG.warn("room {}: reading the reactions on {} failed", m.roomId(), m.eventId(), ex);
            return;
        }
        RoomFacts facts = room(m.roomId());
        for (RoomEvent e : existing) {
            try {
                onAnnotation(e, JSON.readTree(e.contentJson()), facts, false);
            } catch (java.io.IOException ex) {
                LOG.debug("room {}: unreadable reaction {}", m.roomId(), e.eventId());
            }
        }
    }

    private void lowerHandOf(String membershipEventId, String reason) {
        RaisedHand h = hands.remove(membershipEventId);
        if (h != null) {
            emit.accept(new CallEvent.HandLowered(h, reason));
        }
    }

    private void end(IncomingRing r, String reason) {
        if (ringing.remove(r.eventId()) != null) {
            LOG.info("room {}: ring {} from {} ended: {}", r.roomId(), r.eventId(), r.sender(), reason);
            emit.accept(new CallEvent.RingEnded(r, reason));
        }
    }

    static Optional<String> reference(JsonNode content) {
        JsonNode rel = content.path("m.relates_to");
        return "m.reference".equals(rel.path("rel_type").asText(null)) && rel.path("event_id").isTextual()
                ? Optional.of(rel.path("event_id").asText()) : Optional.empty();
    }
}
