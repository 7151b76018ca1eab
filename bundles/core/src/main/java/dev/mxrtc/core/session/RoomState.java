package dev.mxrtc.core.session;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Slot;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.core.parse.MemberContent;

/**
 * What the core knows of one room: room memberships, slots, the sticky {@code m.rtc.member} map and the
 * legacy call-member state. The input of the pure session computation ({@link FullComputation}) and the
 * store the incremental {@link RoomEngine} updates. Not thread-safe: owned by one thread.
 *
 * <p>The sticky map and the legacy state are insertion-ordered like the JavaScript {@code Map}s of
 * matrix-js-sdk ({@code RoomStickyEventsStore}, {@code RoomState}), because js-sdk's member order breaks
 * {@code createdTs} ties by that order.
 */
public final class RoomState {

    private final String roomId;
    private long nextSeq;
    private final Map<String, Boolean> joined = new HashMap<>();
    private final Map<SlotId, Slot> slots = new HashMap<>();
    private final LinkedHashMap<EntryRef.Sticky, Entry> sticky = new LinkedHashMap<>();
    private final LinkedHashMap<EntryRef.Legacy, Entry> legacy = new LinkedHashMap<>();

    public RoomState(String roomId) {
        this.roomId = roomId;
    }

    public String roomId() {
        return roomId;
    }

    long nextSeq() {
        return nextSeq++;
    }

    /** @return whether the user's room membership is {@code join} */
    public boolean isJoined(String userId) {
        return joined.getOrDefault(userId, false);
    }

    /** @return the previous joined-ness */
    boolean setJoined(String userId, boolean isJoined) {
        Boolean before = isJoined ? joined.put(userId, true) : joined.remove(userId);
        return before != null && before;
    }

    /** js-sdk {@code isSlotClosed}: a slot event exists and does not open the slot; no event = not closed. */
    public boolean isClosed(SlotId slotId) {
        Slot slot = slots.get(slotId);
        return slot != null && !slot.open();
    }

    public Optional<Slot> slot(SlotId slotId) {
        return Optional.ofNullable(slots.get(slotId));
    }

    public Map<SlotId, Slot> slots() {
        return Collections.unmodifiableMap(slots);
    }

    void putSlot(Slot slot) {
        slots.put(slot.id(), slot);
    }

    public Map<EntryRef.Sticky, Entry> sticky() {
        return Collections.unmodifiableMap(sticky);
    }

    public Map<EntryRef.Legacy, Entry> legacy() {
        return Collections.unmodifiableMap(legacy);
    }

    public Entry entry(EntryRef ref) {
        return switch (ref) {
            case EntryRef.Sticky s -> sticky.get(s);
            case EntryRef.Legacy l -> legacy.get(l);
        };
    }

    /** @return whether the key is new in the map */
    boolean putSticky(EntryRef.Sticky ref, Entry entry) {
        return sticky.put(ref, entry) == null;
    }

    /** @return whether the key was in the map */
    boolean removeSticky(EntryRef.Sticky ref) {
        return sticky.remove(ref) != null;
    }

    void putLegacy(EntryRef.Legacy ref, Entry entry) {
        legacy.put(ref, entry);
    }


    /**
     * Whether the entry behind {@code ref} is a joined member at {@code now}, per matrix-js-sdk 43
     * {@code sessionMembershipsForSlot} (slot closed, sticky-over-state, expiry, sender joined), except
     * that a legacy member only loses to a sticky event of its own sender.
     */
    public EntryStatus evaluate(EntryRef ref, long now) {
        Entry entry = entry(ref);
        if (entry == null) {
            return new EntryStatus.Excluded("expired"); // only expiry removes sticky entries
        }
        Member member;
        switch (entry.content()) {
            case MemberContent.Left left -> {
                return new EntryStatus.Excluded("left");
            }
            case MemberContent.Invalid invalid -> {
                return new EntryStatus.Excluded(invalid.reason());
            }
            case MemberContent.Joined j -> member = j.member();
        }
        boolean closed = isClosed(member.slotId());
        switch (ref) {
            case EntryRef.Sticky s -> {
                if (closed) {
                    return new EntryStatus.Excluded("slot_closed");
                }
                if (entry.expiresTs() - now <= 0) {
                    return new EntryStatus.Excluded("expired");
                }
            }
            case EntryRef.Legacy l -> {
                // sticky wins over state for the same key (js-sdk), but only the sender's own sticky events:
                // js-sdk lets anyone's sticky key drop a legacy member, which lets one user remove another.
                if (!closed && sticky.containsKey(new EntryRef.Sticky(member.userId(), l.stateKey()))) {
                    return new EntryStatus.Excluded("superseded");
                }
                if (member.expiredAt(now)) {
                    return new EntryStatus.Excluded("expired");
                }
            }
        }
        if (!isJoined(member.userId())) {
            return new EntryStatus.Excluded("sender_not_joined");
        }
        int tier = ref instanceof EntryRef.Sticky ? OrderKey.STICKY : OrderKey.LEGACY;
        return new EntryStatus.Joined(member, new OrderKey(member.createdTs(), tier, entry.seq()));
    }
}
