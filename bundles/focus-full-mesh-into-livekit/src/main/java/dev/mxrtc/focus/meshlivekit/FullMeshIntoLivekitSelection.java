package dev.mxrtc.focus.meshlivekit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.api.spi.Selection;
import dev.mxrtc.api.spi.SelectionContext;

/**
 * {@code full_mesh_into_livekit} as a {@link FocusSelection}. The runtime passes the session's departures and
 * {@code now} ({@link #select(Member, SelectionContext)}), so the answer has the hysteresis of
 * {@link MeshIntoLivekit#decide}, and {@link Decision#changesAt()} becomes {@link Selection#reevaluateAt()}: the
 * runtime asks again when a hold ends. Departures matter for {@link MeshIntoLivekit#MEMORY_MS}.
 *
 * <p>The old {@link #select(Member, List)} (no departures, no clock) answers as if no member had ever left: no hold.
 */
@Component(property = FocusSelection.NAME_PROPERTY + "=" + Transport.FULL_MESH_INTO_LIVEKIT)
public final class FullMeshIntoLivekitSelection implements FocusSelection {

    @Override
    public String name() {
        return Transport.FULL_MESH_INTO_LIVEKIT;
    }

    @Override
    public long departureMemoryMs() {
        return MeshIntoLivekit.MEMORY_MS;
    }

    @Override
    public Optional<Transport> select(Member self, List<Member> membersOldestFirst) {
        List<Member> members = membersOldestFirst.isEmpty() ? List.of(self) : membersOldestFirst;
        long newest = members.stream().mapToLong(Member::createdTs).max().orElse(0);
        return transport(MeshIntoLivekit.decide(members, List.of(), newest));
    }

    @Override
    public Selection select(Member self, SelectionContext context) {
        List<Member> members = context.membersOldestFirst().isEmpty() ? List.of(self) : context.membersOldestFirst();
        List<Departure> departed = new ArrayList<>(context.departures().size());
        for (SelectionContext.Departure d : context.departures()) {
            departed.add(Departure.of(d.member(), d.leftTs()));
        }
        Decision decision = MeshIntoLivekit.decide(members, departed, context.now());
        return new Selection(transport(decision), decision.changesAt());
    }

    private static Optional<Transport> transport(Decision decision) {
        return switch (decision) {
            case Decision.Mesh mesh -> Optional.of(mesh.transport());
            case Decision.Sfu sfu -> Optional.of(sfu.transport());
            case Decision.NoTransport none -> Optional.empty();
        };
    }
}
