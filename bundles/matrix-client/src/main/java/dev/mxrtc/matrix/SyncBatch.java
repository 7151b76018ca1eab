package dev.mxrtc.matrix;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.mxrtc.api.RoomEvent;

/**
 * What one {@code /sync} answer delivered, parsed. Content stays JSON text.
 *
 * @param since the token this answer continues from (empty for an initial sync)
 * @param nextBatch the token of the next request; persisted once listeners have had this batch
 * @param joined per joined room: its updates
 * @param left the rooms left (or forgotten, kicked, banned) in this batch
 * @param toDevice to-device events, acknowledged by the next request with {@code nextBatch}
 * @param deviceLists users whose devices changed or who no longer share a room
 * @param oneTimeKeyCounts {@code device_one_time_keys_count}
 * @param unusedFallbackKeyTypes {@code device_unused_fallback_key_types}, if the server sent it
 */
public record SyncBatch(Optional<String> since, String nextBatch, Map<String, JoinedRoom> joined, Set<String> left,
        List<ToDeviceEvent> toDevice, DeviceLists deviceLists, Map<String, Long> oneTimeKeyCounts,
        Optional<List<String>> unusedFallbackKeyTypes) {

    public SyncBatch {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(nextBatch, "nextBatch");
        joined = Map.copyOf(joined);
        left = Set.copyOf(left);
        toDevice = List.copyOf(toDevice);
        Objects.requireNonNull(deviceLists, "deviceLists");
        oneTimeKeyCounts = Map.copyOf(oneTimeKeyCounts);
        unusedFallbackKeyTypes = unusedFallbackKeyTypes.map(List::copyOf);
    }

    /**
     * One joined room's part of a sync.
     *
     * @param state state events ({@code state.events}), before the timeline
     * @param timeline timeline events, oldest first
     * @param sticky MSC4354 sticky events not already in the timeline ({@code sticky} / {@code msc4354_sticky})
     * @param limited whether the timeline has a gap before it
     * @param prevBatch the token to paginate back from the timeline, if any
     */
    public record JoinedRoom(List<RoomEvent> state, List<RoomEvent> timeline, List<RoomEvent> sticky, boolean limited,
            Optional<String> prevBatch) {

        public JoinedRoom {
            state = List.copyOf(state);
            timeline = List.copyOf(timeline);
            sticky = List.copyOf(sticky);
            Objects.requireNonNull(prevBatch, "prevBatch");
        }

        /** @return state, then timeline, then sticky events: what the core gets for the room */
        public List<RoomEvent> all() {
            var all = new java.util.ArrayList<RoomEvent>(state.size() + timeline.size() + sticky.size());
            all.addAll(state);
            all.addAll(timeline);
            all.addAll(sticky);
            return List.copyOf(all);
        }

        /** @return whether nothing happened in the room */
        public boolean isEmpty() {
            return state.isEmpty() && timeline.isEmpty() && sticky.isEmpty();
        }
    }

    /**
     * {@code device_lists}.
     *
     * @param changed users whose device list changed
     * @param left users who no longer share an encrypted room
     */
    public record DeviceLists(Set<String> changed, Set<String> left) {

        public static final DeviceLists EMPTY = new DeviceLists(Set.of(), Set.of());

        public DeviceLists {
            changed = Set.copyOf(changed);
            left = Set.copyOf(left);
        }
    }
}
