package dev.mxrtc.admin.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.RejectedEvent;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.Session;

/**
 * What the core reported for one request, read once so one response is consistent with itself. The core is an
 * optional, dynamic dependency: while it is absent (or stops mid-request, e.g. during an update) the console
 * answers with empty data and says so in {@code core}.
 *
 * @param core {@code available}, {@code absent} (no RtcSessions service) or {@code unavailable} (it failed)
 * @param sessions the sessions, by room then slot
 * @param rejected the rejected events of each room read, oldest first
 */
record CoreSnapshot(String core, List<Session> sessions, Map<String, List<RejectedEvent>> rejected) {

    static final String AVAILABLE = "available";
    static final String ABSENT = "absent";
    static final String UNAVAILABLE = "unavailable";

    private static final Logger LOG = LoggerFactory.getLogger(CoreSnapshot.class);

    CoreSnapshot {
        Objects.requireNonNull(core, "core");
        sessions = List.copyOf(sessions);
        rejected = Map.copyOf(rejected);
    }

    /** Every room with a session (the core lists no others). */
    static CoreSnapshot all(Optional<RtcSessions> core) {
        return take(core, Optional.empty());
    }

    /** One room, whether or not it has a session. */
    static CoreSnapshot room(Optional<RtcSessions> core, String roomId) {
        return take(core, Optional.of(roomId));
    }

    private static CoreSnapshot take(Optional<RtcSessions> core, Optional<String> room) {
        if (core.isEmpty()) {
            return new CoreSnapshot(ABSENT, List.of(), Map.of());
        }
        try {
            RtcSessions s = core.get();
            Set<String> rooms = room.isPresent() ? Set.of(room.get()) : s.rooms();
            List<Session> sessions = new ArrayList<>();
            Map<String, List<RejectedEvent>> rejected = new LinkedHashMap<>();
            rooms.stream().sorted().forEach(r -> {
                sessions.addAll(s.sessions(r));
                rejected.put(r, s.rejected(r));
            });
            return new CoreSnapshot(AVAILABLE, sessions, rejected);
        } catch (RuntimeException e) {
            LOG.warn("admin: the core failed while being read (stopping or updating?): {}", e.toString());
            return new CoreSnapshot(UNAVAILABLE, List.of(), Map.of());
        }
    }

    /** @return the room's rejected events, oldest first (empty if the room was not read) */
    List<RejectedEvent> rejected(String roomId) {
        return rejected.getOrDefault(roomId, List.of());
    }
}
