package dev.mxrtc.core.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SlotId;

/**
 * The sessions of a room as a pure, deterministic function of (room state, sticky map, now), written the
 * way matrix-js-sdk 43 {@code sessionMembershipsForSlot} does it: collect sticky entries then legacy state
 * in map order, keep the valid ones, stable-sort by {@code createdTs}. The incremental {@link RoomEngine}
 * must always agree with it.
 */
public final class FullComputation {

    private FullComputation() {
    }

    public static SortedMap<SlotId, ComputedSession> compute(RoomState state, long now, Selections selections) {
        Map<SlotId, List<Member>> bySlot = new TreeMap<>();
        collect(state, state.sticky().keySet(), now, bySlot);
        collect(state, state.legacy().keySet(), now, bySlot);
        SortedMap<SlotId, ComputedSession> out = new TreeMap<>();
        bySlot.forEach((slot, members) -> {
            members.sort(Comparator.comparingLong(Member::createdTs)); // List.sort is stable
            out.put(slot, new ComputedSession(slot, members, selections.activeTransport(members)));
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
