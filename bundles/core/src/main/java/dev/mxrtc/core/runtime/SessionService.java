package dev.mxrtc.core.runtime;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RejectedEvent;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.Slot;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.core.parse.MembershipParser;
import dev.mxrtc.core.session.RoomEngine;
import dev.mxrtc.core.session.Selections;
import dev.mxrtc.core.session.SlotDelta;

/**
 * The sessions of every room, kept by one actor: every mutation (events, room left, timers, focus selection
 * services coming and going) runs as a task on one serial {@link Executor}, so the {@link RoomEngine}s,
 * the {@link Selections} and the timers have a single owner and need no locks. One actor for all rooms:
 * per-event work is O(log n), so one thread keeps up with far more rooms than a client is in, and listener
 * calls come out in one total order. Readers ({@link RtcSessions}) see an immutable per-room view
 * published after each batch.
 *
 * <pre>
 *  per room:  (no engine) --onRoomEvents--> tracking --onRoomLeft--> (no engine: every session ended)
 *  per slot:  empty --first member--> SessionStarted --changes--> Member events, ActiveTransportChanged
 *                   --last member leaves--> SessionEnded --> empty
 *  per room timer: at the engine's next deadline (a membership expiring, or a focus selection's reevaluateAt:
 *                  a hold ending fires ActiveTransportChanged with no new event); replaced when that changes
 * </pre>
 */
public final class SessionService implements RtcSessions, RoomEventSink {

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    /** A room as readers see it. */
    private record RoomView(Map<SlotId, Session> sessions, Map<SlotId, Slot> slots, List<RejectedEvent> rejected) {
    }

    private record ListenerReg(RtcSessionListener listener, String room) {
    }

    /** Actor-owned state of one room. */
    private final class Room {
        final RoomEngine engine;
        final Map<SlotId, Session> sessions = new TreeMap<>();
        final Deque<RejectedEvent> rejected = new ArrayDeque<>();
        Scheduler.Cancellable timer;
        long timerAt = Long.MAX_VALUE;

        Room(String roomId) {
            engine = new RoomEngine(roomId, selections);
        }
    }

    private final InstantSource clock;
    private final Executor actor;
    private final Scheduler scheduler;
    private final int rejectedLimit;
    private final MembershipParser parser = new MembershipParser();
    private final Selections selections = new Selections();
    private final Map<String, Room> rooms = new HashMap<>(); // actor-owned
    private final Map<String, RoomView> views = new ConcurrentHashMap<>();
    private final List<ListenerReg> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param clock the time source
     * @param actor a serial executor: runs one task at a time, in order
     * @param scheduler runs expiry checks later, through {@code actor}
     * @param rejectedLimit how many rejected events to keep per room
     */
    public SessionService(InstantSource clock, Executor actor, Scheduler scheduler, int rejectedLimit) {
        this.clock = clock;
        this.actor = actor;
        this.scheduler = scheduler;
        this.rejectedLimit = rejectedLimit;
    }

    // ---- focus selection and listener whiteboard

    public void addSelection(FocusSelection selection) {
        actor.execute(() -> {
            selections.add(selection);
            LOG.info("focus selection {} available", selection.name());
            recomputeTransports();
        });
    }

    public void removeSelection(FocusSelection selection) {
        actor.execute(() -> {
            selections.remove(selection);
            LOG.info("focus selection {} gone", selection.name());
            recomputeTransports();
        });
    }

    private void recomputeTransports() {
        long now = clock.millis();
        for (Room room : rooms.values()) {
            room.engine.advance(now); // the algorithms decide for now, not for the last event's time
            room.engine.selectionsChanged();
            publish(room);
        }
    }

    /** @param room the {@value RtcSessionListener#ROOM_PROPERTY} property, or null for every room */
    public void addListener(RtcSessionListener listener, String room) {
        listeners.add(new ListenerReg(listener, room));
    }

    public void removeListener(RtcSessionListener listener) {
        listeners.removeIf(r -> r.listener == listener);
    }

    // ---- RoomEventSink

    @Override
    public void onRoomEvents(String roomId, List<RoomEvent> events) {
        if (roomId == null || events == null) {
            return;
        }
        List<RoomEvent> batch = List.copyOf(events.stream().filter(e -> e != null).toList());
        actor.execute(() -> {
            Room room = rooms.computeIfAbsent(roomId, Room::new);
            long now = clock.millis();
            for (RoomEvent event : batch) {
                apply(room, roomId, event, now);
            }
            publish(room);
        });
    }

    private void apply(Room room, String roomId, RoomEvent event, long now) {
        try {
            if (!event.roomId().equals(roomId)) {
                reject(room, new RejectedEvent(roomId, event.eventId(), "room_mismatch", event.roomId()));
                return;
            }
            RoomEngine.Outcome outcome = room.engine.apply(parser.parse(event), now);
            if (outcome instanceof RoomEngine.Outcome.Rejected r) {
                reject(room, new RejectedEvent(roomId, event.eventId(), r.reason(), r.detail()));
            } else if (outcome instanceof RoomEngine.Outcome.Stored s
                    && room.engine.state().evaluate(s.ref(), now)
                            instanceof dev.mxrtc.core.session.EntryStatus.Excluded x
                    && !x.reason().equals("left")) {
                reject(room, new RejectedEvent(roomId, event.eventId(), x.reason(), ""));
            }
        } catch (RuntimeException e) { // a bug, not bad input: never let it out of onRoomEvents
            LOG.error("room {}: event {} could not be applied", roomId, event.eventId(), e);
            reject(room, new RejectedEvent(roomId, event.eventId(), "internal_error", e.toString()));
        }
    }

    private void reject(Room room, RejectedEvent rejected) {
        LOG.debug("room {}: ignored event {}: {}", rejected.roomId(), rejected.eventId(), rejected.reason());
        room.rejected.addLast(rejected);
        while (room.rejected.size() > rejectedLimit) {
            room.rejected.removeFirst();
        }
    }

    @Override
    public void onRoomLeft(String roomId) {
        actor.execute(() -> {
            Room room = rooms.remove(roomId);
            if (room == null) {
                return;
            }
            if (room.timer != null) {
                room.timer.cancel();
            }
            long now = clock.millis();
            for (Session s : room.sessions.values()) {
                Session empty = new Session(roomId, s.slotId(), List.of(), s.startTs(), Optional.empty());
                for (Member m : s.members()) {
                    deliver(roomId, new SessionEvent.MemberLeft(empty, m, "room_left"));
                }
                deliver(roomId, new SessionEvent.SessionEnded(s, now));
            }
            views.remove(roomId);
        });
    }

    private void onTimer(String roomId) {
        Room room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        room.timer = null;
        room.timerAt = Long.MAX_VALUE;
        room.engine.advance(clock.millis());
        publish(room);
    }

    // ---- after each batch: events to listeners, views to readers, the next timer

    private void publish(Room room) {
        String roomId = room.engine.state().roomId();
        long now = clock.millis();
        for (SlotDelta delta : room.engine.drain()) {
            try {
                emit(room, roomId, delta, now);
            } catch (RuntimeException e) {
                LOG.error("room {} slot {}: cannot deliver session events", roomId, delta.slotId(), e);
            }
        }
        views.put(roomId, new RoomView(Collections.unmodifiableMap(new TreeMap<>(room.sessions)),
                Map.copyOf(room.engine.state().slots()), List.copyOf(room.rejected)));
        schedule(room, roomId);
    }

    private void emit(Room room, String roomId, SlotDelta d, long now) {
        SlotId slotId = d.slotId();
        Session before = room.sessions.get(slotId);
        List<Member> members = room.engine.members(slotId);
        long startTs = before != null ? before.startTs()
                : members.isEmpty() ? now : Math.min(now, members.get(0).createdTs());
        Session after = new Session(roomId, slotId, members, startTs, d.activeAfter());
        if (members.isEmpty()) {
            room.sessions.remove(slotId);
        } else {
            room.sessions.put(slotId, after);
        }
        if (d.started()) {
            LOG.info("room {} slot {}: session started", roomId, slotId);
            deliver(roomId, new SessionEvent.SessionStarted(after));
        }
        for (SlotDelta.Left left : d.left()) {
            deliver(roomId, new SessionEvent.MemberLeft(after, left.member(), left.reason()));
        }
        for (Member joined : d.joined()) {
            deliver(roomId, new SessionEvent.MemberJoined(after, joined));
        }
        for (SlotDelta.Updated u : d.updated()) {
            deliver(roomId, new SessionEvent.MemberUpdated(after, u.before(), u.after()));
        }
        if (d.ended() && before != null) {
            LOG.info("room {} slot {}: session ended", roomId, slotId);
            deliver(roomId, new SessionEvent.SessionEnded(before, now));
        } else if (!d.started() && !d.ended() && !d.activeBefore().equals(d.activeAfter())) {
            LOG.info("room {} slot {}: active transport changed", roomId, slotId);
            deliver(roomId, new SessionEvent.ActiveTransportChanged(after, d.activeBefore(), d.activeAfter()));
        }
    }

    private void deliver(String roomId, SessionEvent event) {
        for (ListenerReg reg : listeners) {
            if (reg.room == null || reg.room.equals(roomId)) {
                try {
                    reg.listener.onSessionEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("room {}: session listener {} failed", roomId, reg.listener.getClass().getName(), e);
                }
            }
        }
    }

    /**
     * One timer per room, at the engine's next deadline: a membership expiring or a focus selection due again
     * (the end of a hold). Replaced whenever that instant changes, cancelled when there is none.
     */
    private void schedule(Room room, String roomId) {
        OptionalLong next = room.engine.nextDeadline();
        long at = next.orElse(Long.MAX_VALUE);
        if (at == room.timerAt) {
            return;
        }
        if (room.timer != null) {
            room.timer.cancel();
            room.timer = null;
        }
        room.timerAt = at;
        if (next.isPresent()) {
            room.timer = scheduler.schedule(() -> onTimer(roomId), at - clock.millis());
        }
    }

    // ---- RtcSessions (any thread)

    @Override
    public Set<String> rooms() {
        Set<String> out = new java.util.TreeSet<>();
        views.forEach((id, v) -> {
            if (!v.sessions.isEmpty()) {
                out.add(id);
            }
        });
        return Collections.unmodifiableSet(out);
    }

    @Override
    public List<Session> sessions(String roomId) {
        RoomView v = views.get(roomId);
        return v == null ? List.of() : List.copyOf(v.sessions.values());
    }

    @Override
    public Optional<Session> session(String roomId, SlotId slotId) {
        RoomView v = views.get(roomId);
        return v == null ? Optional.empty() : Optional.ofNullable(v.sessions.get(slotId));
    }

    @Override
    public Optional<Slot> slot(String roomId, SlotId slotId) {
        RoomView v = views.get(roomId);
        return v == null ? Optional.empty() : Optional.ofNullable(v.slots.get(slotId));
    }

    @Override
    public List<RejectedEvent> rejected(String roomId) {
        RoomView v = views.get(roomId);
        return v == null ? List.of() : v.rejected;
    }
}
