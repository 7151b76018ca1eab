package dev.mxrtc.core.session;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.Selection;
import dev.mxrtc.api.spi.SelectionContext;
import dev.mxrtc.core.parse.MemberContent;
import dev.mxrtc.core.parse.ParsedEvent;

/**
 * The sessions of one room, kept up to date per event without recomputing the room.
 *
 * <p>Each membership record ({@link EntryRef}) contributes at most one member, at an {@link OrderKey}, to
 * one slot's ordered member map. An event re-evaluates only the records it can affect: its own record; for
 * {@code m.room.member}, the records of that user; for a slot event that opens or closes the slot, the
 * records in that slot; for a sticky key that appears or disappears, the legacy record with that state key;
 * for the passing of time, the records whose expiry is due (a priority queue). Each re-evaluation is
 * O(log n). The result always equals {@link FullComputation#compute} on the same {@link RoomState} and departures.
 *
 * <p>Time-dependent focus selection: members that leave a slot are recorded with the instant they left
 * ({@link DepartureLog}, when an algorithm present needs departures), and a slot whose algorithm answered with a
 * {@link Selection#reevaluateAt()} is asked again once time passes that instant ({@link #advance}), with no event.
 *
 * <pre>
 *   record state:  absent --event--> current(content) --newer event--> current(content')
 *                                         |  sticky expiry / never for legacy
 *                                         v
 *                                       absent
 *   contribution:  none &lt;--evaluate(record, room, now)--&gt; member at OrderKey in slot
 * </pre>
 *
 * Not thread-safe: owned by one thread (the room's actor).
 */
public final class RoomEngine {

    /** What became of one event. */
    public sealed interface Outcome {
        /** The event is now the current record behind {@code ref}. */
        record Stored(EntryRef ref) implements Outcome {
        }

        /** The event changed nothing and never will. */
        record Rejected(String reason, String detail) implements Outcome {
        }

        /** The same event was delivered again. */
        record Duplicate() implements Outcome {
        }

        /** Room state that is not a membership record (room member, slot) or an unrelated event. */
        record Applied() implements Outcome {
        }
    }

    private record Deadline(long at, EntryRef ref, String eventId) {
    }

    /** A record touched since the last drain: its contribution then, and when it last stopped contributing. */
    private static final class Touched {
        final EntryStatus.Joined before;
        long leftTs;

        Touched(EntryStatus.Joined before) {
            this.before = before;
        }
    }

    /** A slot's focus selection asked to be re-evaluated at {@code at}; stale once the slot asked for another. */
    private record Recheck(long at, SlotId slotId) {
    }

    private static final class SlotMembers {
        final TreeMap<OrderKey, Member> members = new TreeMap<>();
        Optional<Transport> active = Optional.empty();
        long reevaluateAt = Long.MAX_VALUE;
    }

    private final RoomState state;
    private final Selections selections;
    private final Map<SlotId, SlotMembers> slots = new HashMap<>();
    private final Map<EntryRef, EntryStatus.Joined> contributions = new HashMap<>();
    private final Map<String, Set<EntryRef>> byUser = new HashMap<>();
    private final Map<SlotId, Set<EntryRef>> bySlot = new HashMap<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private final PriorityQueue<Recheck> rechecks = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private final DepartureLog departures = new DepartureLog();
    private long now = Long.MIN_VALUE;
    /** When the change being applied happened: the event's origin_server_ts, or the expiry instant. */
    private long causeTs;

    // changes since the last drain
    // (fresh maps per drain: HashMap.clear() costs the largest capacity ever reached, e.g. after a bulk load)
    private Map<EntryRef, Touched> touchedBefore = new LinkedHashMap<>();
    private Map<SlotId, Integer> sizeAtStart = new HashMap<>();
    private Set<SlotId> due = new HashSet<>();
    private boolean selectionsChanged;

    public RoomEngine(String roomId, Selections selections) {
        this.state = new RoomState(roomId);
        this.selections = Objects.requireNonNull(selections, "selections");
    }

    public RoomState state() {
        return state;
    }

    public long now() {
        return now;
    }

    /** Applies one parsed event at {@code nowMs} (first letting time pass up to it). */
    public Outcome apply(ParsedEvent event, long nowMs) {
        advance(nowMs);
        causeTs = event.event().originServerTs();
        return switch (event) {
            case ParsedEvent.Rejected r -> new Outcome.Rejected(r.reason(), r.detail());
            case ParsedEvent.Unrelated u -> new Outcome.Applied();
            case ParsedEvent.RoomMembership m -> {
                if (state.setJoined(m.userId(), m.joined()) != m.joined()) {
                    reevaluateAll(byUser.get(m.userId()));
                }
                yield new Outcome.Applied();
            }
            case ParsedEvent.SlotState s -> {
                boolean wasClosed = state.isClosed(s.slot().id());
                state.putSlot(s.slot());
                if (wasClosed != state.isClosed(s.slot().id())) {
                    reevaluateAll(bySlot.get(s.slot().id()));
                }
                yield new Outcome.Applied();
            }
            case ParsedEvent.StickyMembership s -> applySticky(s);
            case ParsedEvent.LegacyMembership l -> applyLegacy(l);
        };
    }

    private Outcome applySticky(ParsedEvent.StickyMembership s) {
        if (s.expiresTs() - now <= 0) {
            return new Outcome.Rejected("expired", "no longer sticky when received");
        }
        EntryRef.Sticky ref = new EntryRef.Sticky(s.sender(), s.stickyKey());
        Entry current = state.entry(ref);
        String eventId = s.event().eventId();
        if (current != null) {
            if (current.eventId().equals(eventId)) {
                return new Outcome.Duplicate();
            }
            boolean newer = s.rank() > current.rank()
                    || (s.rank() == current.rank() && eventId.compareTo(current.eventId()) > 0);
            if (!newer) {
                return new Outcome.Rejected("superseded", "a newer sticky event holds this key");
            }
        }
        long seq = current != null ? current.seq() : state.nextSeq();
        unindex(ref, current);
        Entry entry = new Entry(seq, eventId, s.rank(), s.expiresTs(), s.content());
        boolean keyAppeared = state.putSticky(ref, entry);
        index(ref, entry);
        addDeadline(new Deadline(s.expiresTs(), ref, eventId));
        reevaluate(ref);
        if (keyAppeared) {
            reevaluateIfPresent(new EntryRef.Legacy(ref.key()));
        }
        return new Outcome.Stored(ref);
    }

    private Outcome applyLegacy(ParsedEvent.LegacyMembership l) {
        EntryRef.Legacy ref = new EntryRef.Legacy(l.stateKey());
        Entry current = state.entry(ref);
        String eventId = l.event().eventId();
        if (current != null && current.eventId().equals(eventId)) {
            return new Outcome.Duplicate();
        }
        long seq = current != null ? current.seq() : state.nextSeq();
        unindex(ref, current);
        Entry entry = new Entry(seq, eventId, 0, Long.MAX_VALUE, l.content());
        state.putLegacy(ref, entry);
        index(ref, entry);
        if (l.content() instanceof MemberContent.Joined j) {
            addDeadline(new Deadline(j.member().expiresTs(), ref, eventId));
        }
        reevaluate(ref);
        return new Outcome.Stored(ref);
    }

    /** Queues a deadline; drops stale and repeated ones once they outnumber the live records (amortised O(1)). */
    private void addDeadline(Deadline deadline) {
        deadlines.add(deadline);
        int live = state.sticky().size() + state.legacy().size();
        if (deadlines.size() > 2 * live + 64) {
            Set<EntryRef> kept = new HashSet<>();
            deadlines.removeIf(d -> {
                Entry current = state.entry(d.ref);
                // stale (replaced) or a copy (the same event delivered again after a revert)
                return current == null || !current.eventId().equals(d.eventId) || !kept.add(d.ref);
            });
        }
    }

    /** Lets time pass: expires sticky records and legacy memberships that are due at {@code nowMs}. */
    public void advance(long nowMs) {
        if (nowMs > now) {
            now = nowMs;
        }
        while (!deadlines.isEmpty() && deadlines.peek().at - now <= 0) {
            Deadline d = deadlines.poll();
            Entry current = state.entry(d.ref);
            if (current == null || !current.eventId().equals(d.eventId)) {
                continue; // stale: replaced since
            }
            causeTs = d.at;
            if (d.ref instanceof EntryRef.Sticky s) {
                unindex(s, current);
                boolean keyGone = state.removeSticky(s);
                reevaluate(s);
                if (keyGone) {
                    reevaluateIfPresent(new EntryRef.Legacy(s.key()));
                }
            } else {
                reevaluate(d.ref);
            }
        }
        while (!rechecks.isEmpty() && rechecks.peek().at - now <= 0) {
            Recheck r = rechecks.poll();
            SlotMembers slot = slots.get(r.slotId);
            if (slot != null && slot.reevaluateAt == r.at) {
                slot.reevaluateAt = Long.MAX_VALUE;
                due.add(r.slotId);
            }
        }
    }

    /** @return when the next record may expire or the next focus selection is due again, if any */
    public OptionalLong nextDeadline() {
        long next = Long.MAX_VALUE;
        while (!deadlines.isEmpty()) {
            Deadline d = deadlines.peek();
            Entry current = state.entry(d.ref);
            if (current != null && current.eventId().equals(d.eventId)) {
                next = d.at;
                break;
            }
            deadlines.poll();
        }
        while (!rechecks.isEmpty()) {
            Recheck r = rechecks.peek();
            SlotMembers slot = slots.get(r.slotId);
            if (slot != null && slot.reevaluateAt == r.at) {
                next = Math.min(next, r.at);
                break;
            }
            rechecks.poll();
        }
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** @return every slot's recorded departures: the input {@link FullComputation} takes beside the room state */
    public SortedMap<SlotId, List<SelectionContext.Departure>> departures() {
        return departures.snapshot();
    }

    /** The focus selection algorithms changed: every session's active transport is re-asked at the next drain. */
    public void selectionsChanged() {
        selectionsChanged = true;
    }

    private void index(EntryRef ref, Entry entry) {
        if (entry != null && entry.content() instanceof MemberContent.Joined j) {
            byUser.computeIfAbsent(j.member().userId(), u -> new HashSet<>()).add(ref);
            bySlot.computeIfAbsent(j.member().slotId(), u -> new HashSet<>()).add(ref);
        }
    }

    private void unindex(EntryRef ref, Entry entry) {
        if (entry != null && entry.content() instanceof MemberContent.Joined j) {
            removeFrom(byUser, j.member().userId(), ref);
            removeFrom(bySlot, j.member().slotId(), ref);
        }
    }

    private static <K> void removeFrom(Map<K, Set<EntryRef>> index, K key, EntryRef ref) {
        Set<EntryRef> refs = index.get(key);
        if (refs != null && refs.remove(ref) && refs.isEmpty()) {
            index.remove(key);
        }
    }

    private void reevaluateAll(Set<EntryRef> refs) {
        if (refs != null) {
            for (EntryRef ref : new ArrayList<>(refs)) {
                reevaluate(ref);
            }
        }
    }

    private void reevaluateIfPresent(EntryRef ref) {
        if (state.entry(ref) != null || contributions.containsKey(ref)) {
            reevaluate(ref);
        }
    }

    private void reevaluate(EntryRef ref) {
        EntryStatus status = state.evaluate(ref, now);
        EntryStatus.Joined after = status instanceof EntryStatus.Joined j ? j : null;
        EntryStatus.Joined before = contributions.get(ref);
        if (Objects.equals(before, after)) {
            return;
        }
        Touched touched = touchedBefore.get(ref);
        if (touched == null) {
            touched = new Touched(before);
            touchedBefore.put(ref, touched);
        }
        if (before != null) {
            touched.leftTs = causeTs;
            SlotMembers slot = touchSlot(before.member().slotId());
            slot.members.remove(before.order());
            contributions.remove(ref);
        }
        if (after != null) {
            touchSlot(after.member().slotId()).members.put(after.order(), after.member());
            contributions.put(ref, after);
        }
    }

    private SlotMembers touchSlot(SlotId slotId) {
        SlotMembers slot = slots.computeIfAbsent(slotId, s -> new SlotMembers());
        sizeAtStart.putIfAbsent(slotId, slot.members.size());
        return slot;
    }

    /** @return the changes since the last drain, by slot id; updates active transports */
    public List<SlotDelta> drain() {
        Map<SlotId, DeltaBuilder> builders = new TreeMap<>();
        for (Map.Entry<EntryRef, Touched> t : touchedBefore.entrySet()) {
            Member before = t.getValue().before == null ? null : t.getValue().before.member();
            EntryStatus.Joined now = contributions.get(t.getKey());
            Member after = now == null ? null : now.member();
            if (before != null && after != null && before.slotId().equals(after.slotId())
                    && before.memberId().equals(after.memberId())) {
                if (!sameButEvent(before, after)) {
                    builder(builders, after.slotId()).updated.add(new SlotDelta.Updated(before, after));
                }
                continue;
            }
            if (before != null) {
                String reason = after == null ? reasonOf(t.getKey())
                        : after.slotId().equals(before.slotId()) ? "rejoined" : "slot_changed";
                long leftTs = Math.max(before.createdTs(), t.getValue().leftTs);
                builder(builders, before.slotId()).left.add(new SlotDelta.Left(before, reason, leftTs));
                if (selections.departureMemoryMs() > 0) {
                    departures.record(before.slotId(), new SelectionContext.Departure(before, leftTs),
                            selections.departureMemoryMs());
                }
            }
            if (after != null) {
                builder(builders, after.slotId()).joined.add(after);
            }
        }
        Set<SlotId> dirty = new TreeSet<>(sizeAtStart.keySet());
        if (selectionsChanged) {
            dirty.addAll(slots.keySet());
        }
        if (!due.isEmpty()) {
            for (SlotId id : due) {
                if (slots.containsKey(id)) {
                    dirty.add(id);
                }
            }
        }
        long memory = selections.departureMemoryMs();
        departures.sweep(now, memory);
        List<SlotDelta> out = new ArrayList<>();
        for (SlotId id : dirty) {
            SlotMembers slot = slots.get(id);
            Optional<Transport> before = slot.active;
            select(id, slot, memory);
            int sizeBefore = sizeAtStart.getOrDefault(id, slot.members.size());
            DeltaBuilder b = builders.get(id);
            if (b != null || !before.equals(slot.active) || sizeBefore != slot.members.size()) {
                b = b == null ? new DeltaBuilder() : b;
                out.add(new SlotDelta(id, sizeBefore, slot.members.size(), b.left, b.joined, b.updated, before,
                        slot.active));
            }
            if (slot.members.isEmpty()) {
                slots.remove(id);
            }
        }
        touchedBefore = new LinkedHashMap<>();
        sizeAtStart = new HashMap<>();
        if (!due.isEmpty()) {
            due = new HashSet<>();
        }
        selectionsChanged = false;
        return out;
    }

    /** Asks the slot's focus selection, and schedules the re-evaluation it asks for. */
    private void select(SlotId id, SlotMembers slot, long memory) {
        if (slot.members.isEmpty()) {
            slot.active = Optional.empty();
            slot.reevaluateAt = Long.MAX_VALUE;
            return;
        }
        Selection selection = selections.select(view(slot), departures.of(id, now, memory), now);
        slot.active = selection.transport();
        // an instant already passed is asked again at the next tick, never in a loop at the same instant
        long at = selection.reevaluateAt().isPresent() ? Math.max(selection.reevaluateAt().getAsLong(), now + 1)
                : Long.MAX_VALUE;
        if (at != slot.reevaluateAt) {
            slot.reevaluateAt = at;
            if (at != Long.MAX_VALUE) {
                rechecks.add(new Recheck(at, id));
                if (rechecks.size() > 2 * slots.size() + 64) {
                    rechecks.removeIf(r -> !slots.containsKey(r.slotId) || slots.get(r.slotId).reevaluateAt != r.at);
                }
            }
        }
    }

    private String reasonOf(EntryRef ref) {
        return state.evaluate(ref, now) instanceof EntryStatus.Excluded e ? e.reason() : "left";
    }

    private static boolean sameButEvent(Member a, Member b) {
        return a.equals(new Member(b.roomId(), b.slotId(), b.userId(), b.deviceId(), b.memberId(), b.application(),
                b.transports(), b.canSubscribe(), b.focusActive(), b.createdTs(), b.expiresTs(), b.format(), b.key(),
                a.eventId()));
    }

    private static DeltaBuilder builder(Map<SlotId, DeltaBuilder> builders, SlotId id) {
        return builders.computeIfAbsent(id, s -> new DeltaBuilder());
    }

    private static final class DeltaBuilder {
        final List<SlotDelta.Left> left = new ArrayList<>();
        final List<Member> joined = new ArrayList<>();
        final List<SlotDelta.Updated> updated = new ArrayList<>();
    }

    /** A read-only list over a slot's ordered members: get(0) is O(1), no copy. */
    private static List<Member> view(SlotMembers slot) {
        return new AbstractList<>() {
            @Override
            public Member get(int index) {
                if (index == 0 && !slot.members.isEmpty()) {
                    return slot.members.firstEntry().getValue();
                }
                Objects.checkIndex(index, size());
                Iterator<Member> it = slot.members.values().iterator();
                for (int i = 0; i < index; i++) {
                    it.next();
                }
                return it.next();
            }

            @Override
            public Iterator<Member> iterator() {
                return Collections.unmodifiableCollection(slot.members.values()).iterator();
            }

            @Override
            public int size() {
                return slot.members.size();
            }
        };
    }

    /** @return the current members of the slot, oldest first (a copy) */
    public List<Member> members(SlotId slotId) {
        SlotMembers slot = slots.get(slotId);
        return slot == null ? List.of() : List.copyOf(slot.members.values());
    }

    /** @return the slot's active transport as of the last drain */
    public Optional<Transport> activeTransport(SlotId slotId) {
        SlotMembers slot = slots.get(slotId);
        return slot == null ? Optional.empty() : slot.active;
    }

    /** @return the number of members in the slot */
    public int size(SlotId slotId) {
        SlotMembers slot = slots.get(slotId);
        return slot == null ? 0 : slot.members.size();
    }

    /** @return every session (materialised; call after {@link #drain()}) */
    public SortedMap<SlotId, ComputedSession> sessions() {
        SortedMap<SlotId, ComputedSession> out = new TreeMap<>();
        slots.forEach((id, slot) -> {
            if (!slot.members.isEmpty()) {
                out.put(id, new ComputedSession(id, List.copyOf(slot.members.values()), slot.active));
            }
        });
        return out;
    }
}
