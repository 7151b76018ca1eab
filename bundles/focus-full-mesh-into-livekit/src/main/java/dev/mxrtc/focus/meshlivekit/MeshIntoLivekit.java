package dev.mxrtc.focus.meshlivekit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Transport;

/**
 * {@code full_mesh_into_livekit}: a pure function from member events to the transport everyone uses.
 *
 * <p>Definitions (see {@code docs/livekit-focus.md} for the full text other clients can implement):
 * <ul>
 * <li>A member <b>can mesh</b> when it publishes a {@code full_mesh} transport and, for {@code m.rtc.member}
 * (sticky) members, its {@code can_subscribe} contains {@code full_mesh}. Legacy members have no
 * {@code can_subscribe}; publishing {@code full_mesh} in {@code foci_preferred} is enough.</li>
 * <li>At instant t the members present are the joined members with {@code created_ts <= t} and the departed ones
 * with {@code joined <= t < left}. <b>Pressure</b> at t: more than N present, or one present cannot mesh.</li>
 * <li>The session's mode is the state machine below, replayed over the member events of the last
 * {@link #MEMORY_MS} (one hour, the longest an MSC4354 sticky leave event stays visible), starting in SFU if
 * there was pressure at the window's start, else in MESH. Time only enters through event timestamps and
 * {@code now}; the answer is a step function of {@code now} whose steps ({@link Decision#changesAt()}) are
 * computed from event timestamps, like membership expiry.</li>
 * </ul>
 *
 * <pre>
 *            pressure (more than N, or a member cannot mesh)
 *   MESH ─────────────────────────────────────────────▶ SFU
 *    ▲                                                   │
 *    └──── at most L members and no pressure, held ──────┘
 *          continuously for H (a join above L or any pressure restarts the hold)
 * </pre>
 *
 * <p>MESH uses the oldest member's {@code full_mesh} transport; SFU uses the oldest member's first
 * {@code livekit} transport (oldest = smallest {@code created_ts}, ties by member id). If SFU is due but no member
 * publishes {@code livekit}, a session where everyone can mesh stays in mesh beyond N; otherwise there is no
 * transport. The answer never depends on which member asks.
 */
public final class MeshIntoLivekit {

    /** How far back departures count: the longest a sticky leave event is visible to every member. */
    public static final long MEMORY_MS = 3_600_000;

    private static final Comparator<Member> OLDEST_FIRST =
            Comparator.comparingLong(Member::createdTs).thenComparing(Member::memberId);

    private MeshIntoLivekit() {
    }

    /** @return whether {@code member} can take part in a full mesh (see the class comment) */
    public static boolean canMesh(Member member) {
        boolean publishes = member.transports().stream().anyMatch(t -> t.type().equals(Transport.FULL_MESH));
        return publishes && (member.format() == MemberFormat.LEGACY || member.canSubscribe().contains(Transport.FULL_MESH));
    }

    /**
     * @param joined the session's joined members, in any order
     * @param departed members that left, from their leave events (older than {@link #MEMORY_MS} may be omitted)
     * @param now the instant to decide for (ms since the epoch)
     * @return the transport every member uses
     */
    public static Decision decide(List<Member> joined, List<Departure> departed, long now) {
        if (joined.isEmpty()) {
            return new Decision.NoTransport("no joined members");
        }
        List<Member> oldestFirst = new ArrayList<>(joined);
        oldestFirst.sort(OLDEST_FIRST);
        MeshParams params = MeshParams.of(oldestFirst);
        Optional<Transport> mesh = first(oldestFirst, Transport.FULL_MESH);
        Optional<Transport> sfu = first(oldestFirst, Transport.LIVEKIT);
        boolean allCanMesh = oldestFirst.stream().allMatch(MeshIntoLivekit::canMesh);

        Replay replay = replay(oldestFirst, departed, now, params);
        if (!replay.sfu) {
            return mesh.<Decision>map(t -> new Decision.Mesh(t, OptionalLong.empty()))
                    .orElseGet(() -> new Decision.NoTransport("no member publishes full_mesh"));
        }
        if (sfu.isEmpty()) {
            return allCanMesh && mesh.isPresent()
                    ? new Decision.Mesh(mesh.get(), OptionalLong.empty())
                    : new Decision.NoTransport("the session needs an SFU and no member publishes livekit");
        }
        Decision.Reason reason;
        OptionalLong changesAt;
        if (!allCanMesh) {
            reason = Decision.Reason.MEMBER_CANNOT_MESH;
            changesAt = OptionalLong.empty();
        } else if (oldestFirst.size() > params.maxMeshMembers()) {
            reason = Decision.Reason.OVER_MAX_MEMBERS;
            changesAt = OptionalLong.empty();
        } else if (replay.calmSince != Long.MIN_VALUE) {
            reason = Decision.Reason.HOLDING;
            changesAt = OptionalLong.of(Math.min(replay.calmSince + params.holdMs(), replay.lastPressureEnd + MEMORY_MS));
        } else {
            reason = Decision.Reason.ABOVE_RETURN_THRESHOLD;
            changesAt = OptionalLong.of(replay.lastPressureEnd + MEMORY_MS);
        }
        return new Decision.Sfu(sfu.get(), reason, changesAt);
    }

    /** The state machine's state after replaying the window, with what {@code changesAt} needs. */
    private record Replay(boolean sfu, long calmSince, long lastPressureEnd) {
    }

    private static Replay replay(List<Member> joined, List<Departure> departed, long now, MeshParams params) {
        long windowStart = now - MEMORY_MS;
        List<Departure> relevant = departed.stream().filter(d -> d.leftTs() > windowStart && d.leftTs() <= now).toList();
        TreeSet<Long> instants = new TreeSet<>();
        for (Member m : joined) {
            instants.add(Math.min(m.createdTs(), now));
        }
        for (Departure d : relevant) {
            instants.add(d.joinedTs());
            instants.add(d.leftTs());
        }
        instants.add(now);

        boolean sfu = pressure(joined, relevant, windowStart, now, params);
        long calmSince = Long.MIN_VALUE;
        long lastPressureEnd = sfu ? windowStart : Long.MIN_VALUE;
        boolean pressureBefore = sfu;
        for (long t : instants.subSet(windowStart, false, now, true)) {
            if (sfu && calmSince != Long.MIN_VALUE && calmSince + params.holdMs() <= t) {
                sfu = false; // the hold ended between the previous event and this one
                calmSince = Long.MIN_VALUE;
            }
            boolean pressure = pressure(joined, relevant, t, now, params);
            if (pressureBefore && !pressure) {
                lastPressureEnd = t;
            }
            pressureBefore = pressure;
            if (pressure) {
                sfu = true;
                calmSince = Long.MIN_VALUE;
            } else if (sfu && present(joined, relevant, t, now) <= params.returnMembers()) {
                if (calmSince == Long.MIN_VALUE) {
                    calmSince = t;
                }
            } else {
                calmSince = Long.MIN_VALUE;
            }
        }
        if (sfu && calmSince != Long.MIN_VALUE && calmSince + params.holdMs() <= now) {
            sfu = false;
            calmSince = Long.MIN_VALUE;
        }
        return new Replay(sfu, calmSince, lastPressureEnd);
    }

    private static int present(List<Member> joined, List<Departure> departed, long t, long now) {
        int n = 0;
        for (Member m : joined) {
            if (Math.min(m.createdTs(), now) <= t) {
                n++;
            }
        }
        for (Departure d : departed) {
            if (d.joinedTs() <= t && t < d.leftTs()) {
                n++;
            }
        }
        return n;
    }

    private static boolean pressure(List<Member> joined, List<Departure> departed, long t, long now, MeshParams params) {
        if (present(joined, departed, t, now) > params.maxMeshMembers()) {
            return true;
        }
        for (Member m : joined) {
            if (Math.min(m.createdTs(), now) <= t && !canMesh(m)) {
                return true;
            }
        }
        for (Departure d : departed) {
            if (d.joinedTs() <= t && t < d.leftTs() && !d.couldMesh()) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Transport> first(List<Member> oldestFirst, String type) {
        for (Member m : oldestFirst) {
            for (Transport t : m.transports()) {
                if (t.type().equals(type)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }
}
