package dev.mxrtc.focus.meshlivekit;

import java.util.Objects;

import dev.mxrtc.api.Member;

/**
 * A member that has left the session, as its events show: when it joined ({@code created_ts}), when it left
 * (the {@code origin_server_ts} of its leave event, never the time a client noticed) and whether it could mesh.
 * The hysteresis of {@code full_mesh_into_livekit} is reconstructed from these, so every member that has seen
 * the same leave events computes the same answer.
 *
 * @param memberId the departed member's id
 * @param joinedTs when it joined (ms since the epoch)
 * @param leftTs when its leave event was sent (ms since the epoch); not before {@code joinedTs}
 * @param couldMesh whether it could take part in a full mesh while joined
 */
public record Departure(String memberId, long joinedTs, long leftTs, boolean couldMesh) {

    public Departure {
        Objects.requireNonNull(memberId, "memberId");
        if (leftTs < joinedTs) {
            throw new IllegalArgumentException("left before it joined: " + memberId);
        }
    }

    /** @return the departure of {@code member}, whose leave event carries {@code leftTs} */
    public static Departure of(Member member, long leftTs) {
        return new Departure(member.memberId(), member.createdTs(), Math.max(leftTs, member.createdTs()),
                MeshIntoLivekit.canMesh(member));
    }
}
