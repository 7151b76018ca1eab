package dev.mxrtc.core.session;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.SelectionContext;

/**
 * The recent departures of each slot of a room, for focus selection algorithms that depend on them (hysteresis).
 * Bounded twice: only departures within the memory the algorithms declare (at most one hour, see
 * {@link Selections#departureMemoryMs()}) and at most {@link #MAX_PER_SLOT} per slot (the oldest recorded are dropped
 * first). Kept after a session ends, because a session that starts again within the memory must see them, as every
 * other member does through the leave events. Not thread-safe: owned by the room's {@link RoomEngine}.
 */
final class DepartureLog {

    /** At most this many departures per slot; beyond that, members may disagree in a hysteresis band. */
    static final int MAX_PER_SLOT = 256;

    /** How often (engine time) departures of slots nobody asks about are pruned. */
    private static final long SWEEP_EVERY_MS = 60_000;

    private final Map<SlotId, ArrayDeque<SelectionContext.Departure>> bySlot = new HashMap<>();
    private long nextSweep = Long.MIN_VALUE;

    /** Records a departure, if any algorithm needs departures ({@code memoryMs > 0}). */
    void record(SlotId slotId, SelectionContext.Departure departure, long memoryMs) {
        if (memoryMs <= 0) {
            return;
        }
        ArrayDeque<SelectionContext.Departure> log = bySlot.computeIfAbsent(slotId, s -> new ArrayDeque<>());
        log.addLast(departure);
        while (log.size() > MAX_PER_SLOT) {
            log.removeFirst();
        }
    }

    /** @return the slot's departures, in the order recorded, after dropping those older than the memory */
    List<SelectionContext.Departure> of(SlotId slotId, long now, long memoryMs) {
        ArrayDeque<SelectionContext.Departure> log = bySlot.get(slotId);
        if (log == null) {
            return List.of();
        }
        prune(log, now, memoryMs);
        if (log.isEmpty()) {
            bySlot.remove(slotId);
            return List.of();
        }
        return List.copyOf(log);
    }

    /** Prunes every slot, at most once per {@link #SWEEP_EVERY_MS} of engine time. */
    void sweep(long now, long memoryMs) {
        if (bySlot.isEmpty() || now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY_MS;
        Iterator<ArrayDeque<SelectionContext.Departure>> it = bySlot.values().iterator();
        while (it.hasNext()) {
            ArrayDeque<SelectionContext.Departure> log = it.next();
            prune(log, now, memoryMs);
            if (log.isEmpty()) {
                it.remove();
            }
        }
    }

    private static void prune(ArrayDeque<SelectionContext.Departure> log, long now, long memoryMs) {
        long windowStart = now - memoryMs;
        log.removeIf(d -> d.leftTs() <= windowStart); // not sorted by leftTs: leave events arrive out of order
    }

    /** @return every slot's departures as recorded (the input {@link FullComputation} takes beside the room state) */
    SortedMap<SlotId, List<SelectionContext.Departure>> snapshot() {
        SortedMap<SlotId, List<SelectionContext.Departure>> out = new TreeMap<>();
        bySlot.forEach((id, log) -> out.put(id, List.copyOf(log)));
        return out;
    }
}
