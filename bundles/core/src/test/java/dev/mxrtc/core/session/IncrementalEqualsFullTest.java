package dev.mxrtc.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.core.Events;
import dev.mxrtc.core.parse.MembershipParser;
import dev.mxrtc.api.spi.SelectionContext;
import dev.mxrtc.focus.meshlivekit.FullMeshIntoLivekitSelection;
import dev.mxrtc.focus.selection.MultiSfu;
import dev.mxrtc.focus.selection.OldestMembership;

/**
 * Property: after every event of a random sequence (joins, leaves, refreshes, malformed content, slot
 * open/close, room joins/leaves, time passing, focus selection algorithms coming and going), the
 * incremental engine's sessions equal the full recomputation from the same room state.
 */
@Timeout(60)
class IncrementalEqualsFullTest {

    private static final String[] USERS = {"@a:x", "@b:x", "@c:y", "@d:y"};
    private static final String[] DEVICES = {"D1", "D2"};
    private static final String[] SLOTS = {"m.call#ROOM", "m.call#side"};

    @Test
    void incrementalEqualsFullRecomputeOnRandomSequences() {
        for (long seed = 1; seed <= 300; seed++) {
            run(seed, 120);
        }
    }

    private void run(long seed, int steps) {
        Random r = new Random(seed);
        MembershipParser parser = new MembershipParser();
        OldestMembership oldest = new OldestMembership();
        MultiSfu multi = new MultiSfu();
        Selections selections = new Selections(List.of(oldest, multi));
        RoomEngine engine = new RoomEngine(Events.ROOM, selections);
        long now = 1_000_000;
        int event = 0;
        for (int step = 0; step < steps; step++) {
            now += r.nextInt(4) == 0 ? r.nextInt(2_000_000) : r.nextInt(1000);
            String user = USERS[r.nextInt(USERS.length)];
            String device = DEVICES[r.nextInt(DEVICES.length)];
            String slot = SLOTS[r.nextInt(SLOTS.length)];
            long ts = now - r.nextInt(3) * 1000L; // ties are frequent
            List<RoomEvent> events = new ArrayList<>();
            switch (r.nextInt(12)) {
                case 0 -> events.add(r.nextBoolean() ? Events.joined(user) : Events.left(user));
                case 1 -> events.add(Events.slot(SLOTS[r.nextInt(2)], r.nextInt(3) == 0 ? "closed" : "open", ts));
                case 2, 3 -> events.add(Events.legacy(user, device, ts, r.nextBoolean() ? ""
                        : "'created_ts':" + (ts - r.nextInt(5) * 1000) + ",'expires':" + (1000 + r.nextInt(3_000_000))
                                + ",'focus_active':{'type':'livekit','focus_selection':'"
                                + (r.nextBoolean() ? "multi_sfu" : "oldest_membership") + "'}"));
                case 4 -> events.add(Events.legacyLeave(user, device, ts));
                case 5, 6 -> events.add(Events.stickyJoin(user, device, user + device, slot, ts,
                        "https://sfu" + r.nextInt(3)));
                case 7 -> events.add(Events.stickyLeave(user, user + device, ts));
                case 8 -> events.add(new RoomEvent(Events.ROOM, "$s" + seed + "-" + event++,
                        "org.matrix.msc4143.rtc.member", Optional.empty(), user, ts,
                        Events.json("{'msc4354_sticky_key':'_" + user + "_" + device + "_m.call'}"),
                        OptionalLong.of(1 + r.nextInt(3_600_000)), OptionalLong.empty(), now));
                case 9 -> events.add(Events.state("org.matrix.msc3401.call.member", "_" + user + "_" + device + "_m.call",
                        user, ts, r.nextBoolean() ? "{'application':'m.call'}" : "not json"));
                case 10 -> {
                    if (r.nextBoolean()) {
                        selections.remove(oldest);
                    } else if (selections.get("oldest_membership").isEmpty()) {
                        selections.add(oldest);
                    }
                    engine.selectionsChanged();
                }
                default -> { } // only time passes
            }
            for (RoomEvent e : events) {
                engine.apply(parser.parse(e), now);
            }
            engine.advance(now);
            engine.drain();
            SortedMap<SlotId, ComputedSession> full = FullComputation.compute(engine.state(), now, selections);
            assertEquals(full, engine.sessions(), "seed " + seed + " step " + step);
        }
    }

    /**
     * The same property with a focus selection that depends on departures and time ({@code full_mesh_into_livekit}:
     * hysteresis with a hold, a one-hour memory): the full computation gets the engine's recorded departures as its
     * second input, and time often passes with no event, so holds end (and departures leave the memory) only
     * through {@link RoomEngine#advance}.
     */
    @Test
    void incrementalEqualsFullWithDeparturesAndTime() {
        int changedByTimeAlone = 0;
        for (long seed = 1; seed <= 150; seed++) {
            changedByTimeAlone += runTimed(seed, 150);
        }
        // the sequences do reach the interesting case: a transport that changes with no event (a hold ending)
        System.out.println("incremental == full with departures and time: the active transport changed by time alone "
                + changedByTimeAlone + " times");
        assertTrue(changedByTimeAlone >= 20, "active transport changed by time alone " + changedByTimeAlone + " times");
    }

    private static final String[] MESH_PARAMS = {"", ",'max_mesh_members':3,'mesh_return_members':2,'mesh_hold_ms':5000",
        ",'max_mesh_members':3,'mesh_return_members':2,'mesh_hold_ms':5000",
        ",'max_mesh_members':2,'mesh_return_members':1,'mesh_hold_ms':4000",
        ",'max_mesh_members':2,'mesh_return_members':1,'mesh_hold_ms':0"};

    /** @return how often the active transport changed with no member change (by time alone) */
    private int runTimed(long seed, int steps) {
        int changedByTimeAlone = 0;
        Random r = new Random(seed);
        MembershipParser parser = new MembershipParser();
        FullMeshIntoLivekitSelection meshInto = new FullMeshIntoLivekitSelection();
        Selections selections = new Selections(List.of(new OldestMembership(), meshInto));
        RoomEngine engine = new RoomEngine(Events.ROOM, selections);
        Map<String, String> memberIds = new HashMap<>();
        long now = 1_000_000;
        for (int u = 0; u < 7; u++) {
            engine.apply(parser.parse(Events.joined("@u" + u + ":x")), now);
        }
        int counter = 0;
        for (int step = 0; step < steps; step++) {
            int jump = r.nextInt(40);
            now += jump == 0 ? r.nextInt(4_000_000) : jump < 16 ? r.nextInt(8_000) : r.nextInt(2_000);
            String user = "@u" + r.nextInt(5) + ":x";
            String device = DEVICES[r.nextInt(DEVICES.length)];
            String key = user + device;
            long ts = now - r.nextInt(3) * 1000L;
            List<RoomEvent> events = new ArrayList<>();
            boolean selectionsTouched = false;
            switch (r.nextInt(18)) {
                case 0 -> events.add(r.nextInt(4) == 0 ? Events.left(user) : Events.joined(user));
                case 1 -> events.add(Events.slot("m.call#ROOM", r.nextInt(4) == 0 ? "closed" : "open", ts));
                case 2, 3, 4 -> {
                    String memberId = "m" + (++counter);
                    String previous = memberIds.put(key, memberId);
                    if (previous != null) {
                        events.add(Events.stickyLeave(user, previous, ts)); // a new join of the device: a new member
                    }
                    int caps = r.nextInt(5);
                    String published = switch (caps) {
                        case 0 -> "{'type':'full_mesh_into_livekit'" + MESH_PARAMS[r.nextInt(MESH_PARAMS.length)]
                                + "},{'type':'livekit','livekit_service_url':'https://" + memberId + "'}";
                        case 1 -> "{'type':'livekit','livekit_service_url':'https://" + memberId + "'}";
                        default -> "{'type':'full_mesh_into_livekit'" + MESH_PARAMS[r.nextInt(MESH_PARAMS.length)]
                                + "},{'type':'full_mesh'},{'type':'livekit','livekit_service_url':'https://" + memberId
                                + "'}";
                    };
                    events.add(Events.sticky(user, ts, now, "{'slot_id':'m.call#ROOM','application':{'type':'m.call'},"
                            + "'member':{'id':'" + memberId + "','user_id':'" + user + "','device_id':'" + device + "'},"
                            + "'transports':{'published':[" + published + "],'can_subscribe':['full_mesh','livekit']},"
                            + "'versions':[],'msc4354_sticky_key':'" + memberId + "'}"));
                }
                case 5, 6, 7, 8 -> {
                    String memberId = memberIds.remove(key);
                    if (memberId != null) {
                        events.add(Events.stickyLeave(user, memberId, ts));
                    }
                }
                case 9 -> events.add(Events.state("org.matrix.msc3401.call.member", "_" + user + "_" + device
                        + "_m.call", user, ts, "{'application':'m.call','call_id':'','scope':'m.room','device_id':'"
                        + device + "','expires':" + (1000 + r.nextInt(3_000_000)) + ",'created_ts':" + ts
                        + ",'focus_active':{'type':'livekit','focus_selection':'"
                        + (r.nextInt(4) == 0 ? "oldest_membership" : "full_mesh_into_livekit") + "'},'foci_preferred':["
                        + (r.nextBoolean() ? "{'type':'full_mesh'}," : "") + Events.LK + "]}"));
                case 10, 11 -> events.add(Events.legacyLeave(user, device, ts));
                case 12 -> {
                    boolean present = selections.get(meshInto.name()).isPresent();
                    if (r.nextInt(present ? 8 : 2) == 0) { // mostly present: it is what this property is about
                        if (present) {
                            selections.remove(meshInto);
                        } else {
                            selections.add(meshInto);
                        }
                        engine.selectionsChanged();
                        selectionsTouched = true;
                    }
                }
                default -> { } // only time passes: holds end by themselves
            }
            for (RoomEvent e : events) {
                engine.apply(parser.parse(e), now);
            }
            engine.advance(now);
            for (SlotDelta d : engine.drain()) {
                // no member changed and no algorithm came or went: only time can have changed the answer
                if (!selectionsTouched && d.left().isEmpty() && d.joined().isEmpty() && d.updated().isEmpty()
                        && !d.activeBefore().equals(d.activeAfter())) {
                    changedByTimeAlone++;
                }
            }
            SortedMap<SlotId, ComputedSession> full = FullComputation.compute(engine.state(), engine.departures(), now,
                    selections);
            assertEquals(full, engine.sessions(), "seed " + seed + " step " + step);
            for (List<SelectionContext.Departure> d : engine.departures().values()) {
                assertTrue(d.size() <= DepartureLog.MAX_PER_SLOT, "departures are bounded");
            }
        }
        return changedByTimeAlone;
    }
}
