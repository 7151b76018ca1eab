package dev.mxrtc.focus.meshlivekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

/** Timelines rather than snapshots: flapping members, self-announced change instants, forgotten departures. */
class HysteresisTest {

    /** A session's history: who is joined when, as the member events show. */
    static final class Timeline {
        final Map<String, Member> joined = new TreeMap<>();
        final List<Departure> departed = new ArrayList<>();

        void join(String id, long ts, String caps) {
            joined.put(id, Members.member(id, ts, caps));
        }

        void leave(String id, long ts) {
            departed.add(Departure.of(joined.remove(id), ts));
        }

        String decide(long now) {
            return Members.describe(MeshIntoLivekit.decide(List.copyOf(joined.values()), departed, now));
        }

        boolean mesh(long now) {
            return decide(now).startsWith("mesh");
        }
    }

    @Test
    void aFifthMemberFlappingEveryFewSecondsSwitchesTheSessionOnceNotEveryTime() {
        Timeline t = new Timeline();
        for (String id : List.of("a", "b", "c", "d")) {
            t.join(id, 0, "PSL");
        }
        int switches = 0;
        boolean mesh = t.mesh(1);
        assertTrue(mesh);
        for (int i = 0; i < 40; i++) { // e joins for 2 s and leaves for 3 s, 40 times (200 s)
            long base = 10_000 + i * 5_000L;
            t.join("e" + i, base, "PSL");
            for (long now = base; now < base + 5_000; now += 500) {
                if (now == base + 2_000) {
                    t.leave("e" + i, now);
                }
                boolean m = t.mesh(now);
                if (m != mesh) {
                    switches++;
                    mesh = m;
                }
            }
        }
        assertEquals(1, switches, "mesh -> SFU once, then stays on the SFU while the fifth member flaps");
        assertTrue(t.decide(220_000).startsWith("sfu:a:ABOVE_RETURN_THRESHOLD"), t.decide(220_000));

        // one stable member leaves: at L = 3 the hold runs; 30 s later the session is back in mesh, once
        t.leave("d", 300_000);
        assertEquals("sfu:a:HOLDING@330000", t.decide(300_000));
        assertEquals("sfu:a:HOLDING@330000", t.decide(329_999));
        assertEquals("mesh:a", t.decide(330_000));
    }

    @Test
    void aMemberThatCannotMeshFlappingKeepsTheSessionOnTheSfuUntilItStaysAwayForTheHold() {
        Timeline t = new Timeline();
        t.join("a", 0, "PSL");
        t.join("b", 0, "PSL");
        int switches = 0;
        boolean mesh = t.mesh(1);
        for (int i = 0; i < 10; i++) { // a phone without full_mesh support joins and drops every 10 s
            long base = 1_000 + i * 10_000L;
            t.join("x" + i, base, "L");
            for (long now = base; now < base + 10_000; now += 1_000) {
                if (now == base + 4_000) {
                    t.leave("x" + i, now);
                }
                boolean m = t.mesh(now);
                if (m != mesh) {
                    switches++;
                    mesh = m;
                }
            }
        }
        assertEquals(1, switches);
        long lastLeave = 1_000 + 9 * 10_000L + 4_000;
        assertEquals("sfu:a:HOLDING@" + (lastLeave + 30_000), t.decide(lastLeave + 29_999));
        assertEquals("mesh:a", t.decide(lastLeave + 30_000));
    }

    /**
     * Random sessions: whenever the answer names an instant it changes at, it is constant up to that instant and
     * different from it on; dropping departures older than the memory never changes it; and every member, holding
     * the lists in its own order, gets the same answer.
     */
    @Test
    void randomSessionsAnnounceTheirOwnChangesAndIgnoreForgottenDepartures() {
        Random random = new Random(4143);
        String[] caps = {"PSL", "PSL", "PSL", "PSL", "GPL", "L", "PS", "PSLT3,2,1000", "PSLT5,2,0"};
        int withChange = 0;
        for (int run = 0; run < 400; run++) {
            Timeline t = new Timeline();
            long now = 0;
            int nextId = 0;
            for (int step = 0; step < 12; step++) {
                now += random.nextInt(3) == 0 ? random.nextInt(4_000_000) : random.nextInt(60_000);
                if (t.joined.isEmpty() || (t.joined.size() < 7 && random.nextBoolean())) {
                    t.join("m" + nextId++, now, caps[random.nextInt(caps.length)]);
                } else {
                    List<String> ids = new ArrayList<>(t.joined.keySet());
                    t.leave(ids.get(random.nextInt(ids.size())), now);
                }
            }
            if (t.joined.isEmpty()) {
                continue;
            }
            now += random.nextInt(40_000);
            List<Member> joined = List.copyOf(t.joined.values());
            Decision d = MeshIntoLivekit.decide(joined, t.departed, now);
            long at = now;
            List<Departure> remembered = t.departed.stream().filter(x -> x.leftTs() > at - MeshIntoLivekit.MEMORY_MS).toList();
            assertEquals(d, MeshIntoLivekit.decide(joined, remembered, now), "forgotten departures changed the answer");
            for (List<Member> view : DecisionTableTest.views(joined, run)) {
                assertEquals(d, MeshIntoLivekit.decide(view, t.departed, now));
            }
            if (d.changesAt().isPresent()) {
                withChange++;
                long change = d.changesAt().getAsLong();
                assertTrue(change > now, "changes in the future");
                String before = Members.describe(d);
                assertEquals(before, Members.describe(MeshIntoLivekit.decide(joined, t.departed, change - 1)));
                assertEquals(before, Members.describe(MeshIntoLivekit.decide(joined, t.departed, (now + change) / 2)));
                assertNotEquals(before, Members.describe(MeshIntoLivekit.decide(joined, t.departed, change)));
            }
        }
        assertTrue(withChange >= 10, "enough random sessions were on a hold: " + withChange);
    }

    @Test
    void paramsAreReadFieldByFieldAndPublishedBack() {
        MeshParams p = new MeshParams(6, 4, 12_000);
        assertEquals(p, MeshParams.from(java.util.Optional.of(p.toTransport())));
        Transport doubles = new Transport(Transport.FULL_MESH_INTO_LIVEKIT,
                Map.of(MeshParams.MAX_MESH_MEMBERS, 5.0, MeshParams.MESH_RETURN_MEMBERS, 2.5, MeshParams.MESH_HOLD_MS, "10"));
        assertEquals(new MeshParams(5, 4, MeshParams.DEFAULT_HOLD_MS), MeshParams.from(java.util.Optional.of(doubles)));
    }

    @Test
    void serviceLoaderFindsTheSelectionForNonOsgiCallers() {
        assertTrue(ServiceLoader.load(FocusSelection.class).stream()
                .anyMatch(p -> p.get().name().equals(Transport.FULL_MESH_INTO_LIVEKIT)));
    }
}
