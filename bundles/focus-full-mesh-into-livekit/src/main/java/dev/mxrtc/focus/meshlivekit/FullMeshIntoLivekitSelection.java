package dev.mxrtc.focus.meshlivekit;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

/**
 * {@code full_mesh_into_livekit} as a {@link FocusSelection}. The SPI passes only the joined members, so this
 * adapter decides without departures: the answer of {@link MeshIntoLivekit#decide} with no leave events, which
 * does not depend on the clock (with no departures the replay never sees pressure that has ended, so there is
 * no hold). Callers that have the session's leave events call {@link MeshIntoLivekit#decide} directly to get
 * the hysteresis.
 */
@Component(property = FocusSelection.NAME_PROPERTY + "=" + Transport.FULL_MESH_INTO_LIVEKIT)
public final class FullMeshIntoLivekitSelection implements FocusSelection {

    @Override
    public String name() {
        return Transport.FULL_MESH_INTO_LIVEKIT;
    }

    @Override
    public Optional<Transport> select(Member self, List<Member> membersOldestFirst) {
        List<Member> members = membersOldestFirst.isEmpty() ? List.of(self) : membersOldestFirst;
        long newest = members.stream().mapToLong(Member::createdTs).max().orElse(0);
        return switch (MeshIntoLivekit.decide(members, List.of(), newest)) {
            case Decision.Mesh mesh -> Optional.of(mesh.transport());
            case Decision.Sfu sfu -> Optional.of(sfu.transport());
            case Decision.NoTransport none -> Optional.empty();
        };
    }
}
