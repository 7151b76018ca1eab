package dev.mxrtc.focus.meshlivekit;

import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;

/**
 * The thresholds of {@code full_mesh_into_livekit}. Every member must use the same values, so they are read
 * from the session's data, never from local configuration: the oldest member's published transport of type
 * {@code full_mesh_into_livekit} carries them (local configuration only decides what this member publishes).
 * Missing, non-integral or out-of-range fields fall back to the defaults, field by field.
 *
 * @param maxMeshMembers N: the most members a full mesh may have ({@code max_mesh_members}, default 4, 2..64)
 * @param returnMembers L: after an SFU period, back to mesh only at or below this many members
 *        ({@code mesh_return_members}, default N - 1, clamped to 1..N)
 * @param holdMs H: ... and only once that has held continuously this long ({@code mesh_hold_ms},
 *        default 30 000, 0..3 600 000)
 */
public record MeshParams(int maxMeshMembers, int returnMembers, long holdMs) {

    public static final String MAX_MESH_MEMBERS = "max_mesh_members";
    public static final String MESH_RETURN_MEMBERS = "mesh_return_members";
    public static final String MESH_HOLD_MS = "mesh_hold_ms";

    public static final int DEFAULT_MAX_MESH_MEMBERS = 4;
    public static final long DEFAULT_HOLD_MS = 30_000;
    static final int MAX_MESH_LIMIT = 64;
    static final long MAX_HOLD_MS = 3_600_000;

    public static final MeshParams DEFAULTS =
            new MeshParams(DEFAULT_MAX_MESH_MEMBERS, DEFAULT_MAX_MESH_MEMBERS - 1, DEFAULT_HOLD_MS);

    public MeshParams {
        if (maxMeshMembers < 2 || maxMeshMembers > MAX_MESH_LIMIT) {
            throw new IllegalArgumentException("max_mesh_members must be 2.." + MAX_MESH_LIMIT + ": " + maxMeshMembers);
        }
        if (returnMembers < 1 || returnMembers > maxMeshMembers) {
            throw new IllegalArgumentException("mesh_return_members must be 1..max_mesh_members: " + returnMembers);
        }
        if (holdMs < 0 || holdMs > MAX_HOLD_MS) {
            throw new IllegalArgumentException("mesh_hold_ms must be 0.." + MAX_HOLD_MS + ": " + holdMs);
        }
    }

    /** @return the transport object a member publishes to announce these parameters */
    public Transport toTransport() {
        return new Transport(Transport.FULL_MESH_INTO_LIVEKIT, java.util.Map.of(MAX_MESH_MEMBERS, maxMeshMembers,
                MESH_RETURN_MEMBERS, returnMembers, MESH_HOLD_MS, holdMs));
    }

    /** @return the parameters the oldest member of {@code membersOldestFirst} publishes, or the defaults */
    public static MeshParams of(List<Member> membersOldestFirst) {
        return membersOldestFirst.isEmpty() ? DEFAULTS : from(membersOldestFirst.get(0).transports().stream()
                .filter(t -> t.type().equals(Transport.FULL_MESH_INTO_LIVEKIT)).findFirst());
    }

    /** @return the parameters in {@code transport}, field by field, defaults for what is missing or invalid */
    public static MeshParams from(Optional<Transport> transport) {
        if (transport.isEmpty()) {
            return DEFAULTS;
        }
        Transport t = transport.get();
        int max = (int) integral(t, MAX_MESH_MEMBERS, 2, MAX_MESH_LIMIT, DEFAULT_MAX_MESH_MEMBERS);
        int ret = (int) integral(t, MESH_RETURN_MEMBERS, 1, max, max - 1);
        long hold = integral(t, MESH_HOLD_MS, 0, MAX_HOLD_MS, DEFAULT_HOLD_MS);
        return new MeshParams(max, ret, hold);
    }

    private static long integral(Transport t, String field, long min, long max, long fallback) {
        if (!(t.fields().get(field) instanceof Number n)) {
            return fallback;
        }
        double d = n.doubleValue();
        if (d != Math.rint(d) || d < min || d > max) {
            return fallback;
        }
        return (long) d;
    }
}
