package dev.mxrtc.core.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.SelectionContext;

/**
 * The sessions of a room as a pure, deterministic function of (room state, departures, sticky map, now), written
 * the way matrix-js-sdk 43 {@code sessionMembershipsForSlot} does it: collect sticky entries then legacy state
 * in map order, keep the valid ones, stable-sort by {@code createdTs}. The active transport is what the focus
 * selection answers from the members, the slot's departures within {@link Selections#departureMemoryMs()}, and
 * {@code now}. The incremental {@link RoomEngine} must always agree with it.
 */
public final class FullComputation {

    private FullComputation() {
    }

    /** The sessions when no member has left (or no algorithm present needs departures). */
    public static SortedMap<SlotId, ComputedSession> compute(RoomState state, long now, Selections selections) {
        return compute(state, Map.of(), now, selections);
    }

    /**
     * @param departures each slot's recorded departures, in the order recorded ({@link RoomEngine#departures()})
     */
    public static SortedMap<SlotId, ComputedSession> compute(RoomState state,
            Map<SlotId, List<SelectionContext.Departure>> departures, long now, Selections selections) {
        Map<SlotId, List<Member>> bySlot = new TreeMap<>();
        collect(state, state.sticky().keySet(), now, bySlot);
        collect(state, state.legacy().keySet(), now, bySlot);
        long windowStart = now - selections.departureMemoryMs();
        SortedMap<SlotId, ComputedSession> out = new TreeMap<>();
        bySlot.forEach((slot, members) -> {
            members.sort(Comparator.comparingLong(Member::createdTs)); // List.sort is stable
            List<SelectionContext.Departure> left = departures.getOrDefault(slot, List.of()).stream()
                    .filter(d -> d.leftTs() > windowStart).toList();
            out.put(slot, new ComputedSession(slot, members, selections.select(members, left, now).transport()));
        });
        return out;
    }

    private static void collect(RoomState state, Iterable<? extends EntryRef> refs, long now,
            Map<SlotId, List<Member>> bySlot) {
        List<EntryRef> copy = new ArrayList<>();
        refs.forEach(copy::add);
        for (EntryRef ref : copy) {
            if (state.evaluate(ref, now) instanceof EntryStatus.Joined j) {
                bySlot.computeIfAbsent(j.member().slotId(), s -> new ArrayList<>()).add(j.member());
            }
        }
    }
}
