package dev.mxrtc.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
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
}
