package dev.mxrtc.call.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.call.ring.RingFacts;

/**
 * What the engine knows of one room for the ringing rules: slot events and power levels from sync, the newest
 * sticky notification per (sender, slot), this account's declines and "left" sticky memberships; memberships
 * from the core's {@link RtcSessions}. Confined to the engine's thread.
 */
final class RoomFacts {

    private final String roomId;
    private final String me;
    private final RtcSessions sessions;
    private final Function<String, Optional<JsonNode>> powerLevelsFetcher;
    private final Map<String, Boolean> slots = new HashMap<>();
    private final Map<String, StickyRef> stickyNotifications = new HashMap<>();
    private final Set<String> declinedByMe = new HashSet<>();
    private final Map<String, Long> ownLeft = new HashMap<>();
    private JsonNode powerLevels;

    record StickyRef(String eventId, long originServerTs) {
        /** MSC4354's ephemeral map: newest origin_server_ts wins, ties go to the larger event id. */
        boolean newerThan(StickyRef other) {
            return originServerTs != other.originServerTs ? originServerTs > other.originServerTs
                    : eventId.compareTo(other.eventId) > 0;
        }
    }

    RoomFacts(String roomId, String me, RtcSessions sessions, Function<String, Optional<JsonNode>> powerLevelsFetcher) {
        this.roomId = roomId;
        this.me = me;
        this.sessions = sessions;
        this.powerLevelsFetcher = powerLevelsFetcher;
    }

    void slotEvent(String slotId, JsonNode content) {
        boolean open = "open".equals(content.path("status").asText(null)) && content.path("application").isObject()
                && SlotId.isValid(slotId)
                && new SlotId(slotId).application().equals(content.path("application").path("type").asText(null));
        slots.put(slotId, open);
    }

    void powerLevels(JsonNode content) {
        powerLevels = content;
    }

    /** @return whether the notification became the current sticky one for its sender and slot */
    boolean stickyNotification(String sender, String slotKey, String eventId, long ots) {
        String key = sender + "\u0000" + slotKey;
        StickyRef ref = new StickyRef(eventId, ots);
        StickyRef old = stickyNotifications.get(key);
        if (old == null || ref.newerThan(old) || old.eventId().equals(eventId)) {
            stickyNotifications.put(key, ref);
            return true;
        }
        return false;
    }

    void declinedByMe(String notificationId) {
        declinedByMe.add(notificationId);
    }

    void ownLeft(String slotId, long ots) {
        ownLeft.merge(slotId, ots, Math::max);
    }

    Optional<Member> memberByEvent(String eventId) {
        return sessions.sessions(roomId).stream().flatMap(s -> s.members().stream())
                .filter(m -> m.eventId().equals(eventId)).findFirst();
    }

    Optional<Member> myMember(SlotId slot, String deviceId) {
        return sessions.session(roomId, slot).stream().flatMap(s -> s.members().stream())
                .filter(m -> m.userId().equals(me) && m.deviceId().equals(deviceId)).findFirst();
    }

    boolean joined(String userId, String slotId) {
        return SlotId.isValid(slotId) && sessions.session(roomId, new SlotId(slotId)).stream()
                .flatMap(s -> s.members().stream()).anyMatch(m -> m.userId().equals(userId));
    }

    RingFacts ringFacts(long now) {
        return new RingFacts() {
            @Override
            public String me() {
                return me;
            }

            @Override
            public long now() {
                return now;
            }

            @Override
            public Optional<String> legacyMembershipSlot(String membershipEventId) {
                return memberByEvent(membershipEventId).filter(m -> m.format() == MemberFormat.LEGACY)
                        .map(m -> m.slotId().value());
            }

            @Override
            public Optional<String> currentStickyNotification(String sender, String slotId) {
                return Optional.ofNullable(stickyNotifications.get(sender + "\u0000" + slotId)).map(StickyRef::eventId);
            }

            @Override
            public Optional<Boolean> slotOpen(String slotId) {
                Boolean known = slots.get(slotId);
                if (known != null) {
                    return Optional.of(known);
                }
                return sessions.slot(roomId, new SlotId(slotId)).map(s -> s.open()
                        && s.application().map(a -> a.type().equals(s.id().application())).orElse(false));
            }

            @Override
            public boolean mayNotifyRoom(String sender) {
                if (powerLevels == null) {
                    powerLevels = powerLevelsFetcher.apply(roomId).orElse(null);
                }
                if (powerLevels == null) {
                    return false;
                }
                JsonNode users = powerLevels.path("users");
                long level = users.has(sender) ? users.get(sender).asLong() : powerLevels.path("users_default").asLong(0);
                return level >= powerLevels.path("notifications").path("room").asLong(50);
            }

            @Override
            public boolean joined(String slotId) {
                return RoomFacts.this.joined(me, slotId);
            }

            @Override
            public OptionalLong ownLeftTs(String slotId) {
                Long ts = ownLeft.get(slotId);
                return ts == null ? OptionalLong.empty() : OptionalLong.of(ts);
            }

            @Override
            public boolean declined(String notificationEventId) {
                return declinedByMe.contains(notificationEventId);
            }
        };
    }
}
