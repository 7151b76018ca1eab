package dev.mxrtc.focus.meshlivekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.Selection;
import dev.mxrtc.api.spi.SelectionContext;

/**
 * The acceptance table ({@code full-mesh-into-livekit.table}): member sets and capabilities → the transport, and
 * the same answer for every member. Each member of a row decides with the member list in its own order (every
 * rotation and the reverse, plus shuffles, as clients that order ties differently would) and through the
 * {@code FocusSelection} SPI where the row has no departures.
 */
class DecisionTableTest {

    record Row(int line, String name, List<Member> joined, List<Departure> departed, long now, String expected) {
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                DecisionTableTest.class.getResourceAsStream("/full-mesh-into-livekit.table"), StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] c = line.split("\\|");
                if (c.length != 5) {
                    throw new IllegalArgumentException("line " + n + ": 5 columns expected: " + line);
                }
                List<Member> joined = Arrays.stream(c[1].trim().split("\\s+")).map(Members::parse).toList();
                List<Departure> departed = c[2].trim().equals("-") ? List.of()
                        : Arrays.stream(c[2].trim().split("\\s+")).map(Members::departure).toList();
                rows.add(new Row(n, c[0].trim(), joined, departed, Long.parseLong(c[3].trim()), c[4].trim()));
            }
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyRowGivesTheExpectedTransportToEveryMember() throws IOException {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.line() + ": " + row.name(), () -> {
            for (List<Member> view : views(row.joined(), row.line())) {
                for (List<Departure> departures : views(row.departed(), row.line())) {
                    assertEquals(row.expected(), Members.describe(MeshIntoLivekit.decide(view, departures, row.now())),
                            () -> row.name() + " seen as " + view.stream().map(Member::memberId).toList());
                }
            }
            // the runtime's SPI: departures as members that left (could mesh: the default PSL; could not: L only)
            Decision full = MeshIntoLivekit.decide(row.joined(), row.departed(), row.now());
            List<SelectionContext.Departure> departures = row.departed().stream()
                    .map(d -> new SelectionContext.Departure(Members.member(d.memberId(), d.joinedTs(),
                            d.couldMesh() ? "PSL" : "L"), d.leftTs()))
                    .toList();
            FullMeshIntoLivekitSelection selection = new FullMeshIntoLivekitSelection();
            for (Member self : row.joined()) {
                Selection s = selection.select(self, new SelectionContext(row.joined(), departures, row.now()));
                assertEquals(new Selection(transportOf(full), full.changesAt()), s,
                        row.name() + " through select(self, context) as " + self.memberId());
            }
            if (row.departed().isEmpty()) {
                Decision d = MeshIntoLivekit.decide(row.joined(), List.of(), row.now());
                Optional<Transport> expected = switch (d) {
                    case Decision.Mesh m -> Optional.of(m.transport());
                    case Decision.Sfu s -> Optional.of(s.transport());
                    case Decision.NoTransport none -> Optional.empty();
                };
                FullMeshIntoLivekitSelection spi = new FullMeshIntoLivekitSelection();
                for (Member self : row.joined()) {
                    assertEquals(expected, spi.select(self, row.joined()), row.name() + " through the SPI as " + self.memberId());
                }
            }
        }));
    }

    private static Optional<Transport> transportOf(Decision d) {
        return switch (d) {
            case Decision.Mesh m -> Optional.of(m.transport());
            case Decision.Sfu s -> Optional.of(s.transport());
            case Decision.NoTransport none -> Optional.empty();
        };
    }

    /** Every rotation, the reverse, and a few shuffles: the orders different clients may hold the list in. */
    static <T> List<List<T>> views(List<T> list, long seed) {
        List<List<T>> views = new ArrayList<>();
        for (int i = 0; i < Math.max(1, list.size()); i++) {
            List<T> rotated = new ArrayList<>(list);
            Collections.rotate(rotated, i);
            views.add(rotated);
        }
        List<T> reversed = new ArrayList<>(list);
        Collections.reverse(reversed);
        views.add(reversed);
        Random random = new Random(seed);
        for (int i = 0; i < 3; i++) {
            List<T> shuffled = new ArrayList<>(list);
            Collections.shuffle(shuffled, random);
            views.add(shuffled);
        }
        return views;
    }

    @Test
    void theTableCoversEveryOutcome() throws IOException {
        List<String> expected = rows().stream().map(Row::expected).toList();
        for (String kind : List.of("mesh:", "none", ":OVER_MAX_MEMBERS", ":MEMBER_CANNOT_MESH", ":HOLDING@",
                ":ABOVE_RETURN_THRESHOLD@")) {
            assertTrue(expected.stream().anyMatch(e -> e.contains(kind)), "no row expects " + kind);
        }
    }
}
