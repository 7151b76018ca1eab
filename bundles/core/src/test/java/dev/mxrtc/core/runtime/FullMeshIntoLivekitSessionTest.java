package dev.mxrtc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.core.Events;
import dev.mxrtc.focus.meshlivekit.FullMeshIntoLivekitSelection;
import dev.mxrtc.focus.selection.OldestMembership;

/**
 * The real {@code full_mesh_into_livekit} algorithm run through the core: sessions, departures, the room timer.
 * Six independent {@link SessionService}s stand for six members' clients; each receives every batch of events in its
 * own order (rotated), on one hand-moved clock. Every client must see the same active transport after every step,
 * and the transport must move mesh → SFU past N and back only after the hold, by the timer alone. Defaults: N = 4,
 * L = 3, H = 30 s.
 */
@Timeout(20)
class FullMeshIntoLivekitSessionTest {

    private static final long T0 = 1_767_000_000_000L;
    private static final long HOLD = 30_000;
    private static final int CLIENTS = 6;

    private final ManualTime time = new ManualTime(T0);
    private final List<SessionService> clients = new ArrayList<>();
    private final List<List<SessionEvent.ActiveTransportChanged>> changes = new ArrayList<>();
    private int joins;

    FullMeshIntoLivekitSessionTest() {
        for (int i = 0; i < CLIENTS; i++) {
            SessionService s = new SessionService(time, Runnable::run, time, 16);
            s.addSelection(new OldestMembership());
            s.addSelection(new FullMeshIntoLivekitSelection());
            List<SessionEvent.ActiveTransportChanged> seen = new ArrayList<>();
            s.addListener(e -> {
                if (e instanceof SessionEvent.ActiveTransportChanged c) {
                    seen.add(c);
                }
            }, null);
            clients.add(s);
            changes.add(seen);
        }
    }

    @Test
    void growsIntoTheSfuPastNAndReturnsToMeshByTheTimerAfterTheHold() {
        List<String> ids = new ArrayList<>();
        for (String id : List.of("a", "b", "c", "d")) {
            ids.add(join(id, true));
            assertActive("mesh", "after " + id + " joined");
        }
        ids.add(join("e", true));
        assertActive("sfu:a", "the fifth member moves everyone to the oldest member's SFU");
        assertChanges(1);
        ids.add(join("f", true));
        assertActive("sfu:a", "six members");

        leave("f", ids.get(5));
        leave("e", ids.get(4));
        assertActive("sfu:a", "four members are above L = 3: still on the SFU");
        time.advance(HOLD * 3);
        assertActive("sfu:a", "above L, no hold runs however long we wait");
        long left = leave("d", ids.get(3));
        assertActive("sfu:a", "at L the hold starts");
        advanceTo(left + HOLD - 1);
        assertActive("sfu:a", "1 ms before the hold ends");
        assertChanges(1);
        time.advance(1);
        assertActive("mesh", "the hold ended: back to mesh with no new event");
        assertChanges(2);
        for (List<SessionEvent.ActiveTransportChanged> seen : changes) {
            SessionEvent.ActiveTransportChanged back = seen.get(1);
            assertEquals(Transport.LIVEKIT, back.before().orElseThrow().type());
            assertEquals(Transport.FULL_MESH, back.after().orElseThrow().type());
            assertEquals(3, back.session().members().size());
        }
    }

    @Test
    void aMemberThatCannotMeshForcesTheSfuUntilItHasBeenGoneForTheHold() {
        join("a", true);
        join("b", true);
        join("c", true);
        assertActive("mesh", "three members that can mesh");
        String x = join("x", false);
        assertActive("sfu:a", "x publishes livekit only");
        assertChanges(1);
        long left = leave("x", x);
        assertActive("sfu:a", "x left: the hold starts");
        advanceTo(left + HOLD - 1);
        assertActive("sfu:a", "1 ms before the hold ends");
        time.advance(1);
        assertActive("mesh", "held for H");
        assertChanges(2);
    }

    @Test
    void aFifthMemberFlappingAroundNSwitchesOnceNotEveryTime() {
        join("a", true);
        join("b", true);
        join("c", true);
        join("d", true);
        for (int i = 0; i < 20; i++) {
            String e = join("e", true);
            assertActive("sfu:a", "e in, round " + i);
            time.advance(2_000);
            leave("e", e);
            assertActive("sfu:a", "e out, round " + i);
            time.advance(3_000);
        }
        assertChanges(1);
        join("e", true); // still flapping: no change
        time.advance(HOLD * 2);
        assertChanges(1);
        assertActive("sfu:a", "five members");
        assertTrue(changes.get(0).get(0).after().orElseThrow().type().equals(Transport.LIVEKIT));
    }

    /** A sticky membership of {@code id} with a fresh member id, at the clock's now; returns the member id. */
    private String join(String id, boolean canMesh) {
        String user = "@" + id + ":x";
        String memberId = id + "-" + (++joins);
        String mesh = canMesh ? "{'type':'full_mesh'}," : "";
        String sub = canMesh ? "'full_mesh','livekit'" : "'livekit'";
        long ts = time.millis();
        RoomEvent event = Events.sticky(user, ts, ts, "{'slot_id':'m.call#ROOM','application':{'type':'m.call'},"
                + "'member':{'id':'" + memberId + "','user_id':'" + user + "','device_id':'D" + id + "'},"
                + "'transports':{'published':[{'type':'full_mesh_into_livekit'}," + mesh
                + "{'type':'livekit','livekit_service_url':'https://" + id + ".sfu'}],'can_subscribe':[" + sub + "]},"
                + "'versions':[],'msc4354_sticky_key':'" + memberId + "'}");
        send(List.of(Events.joined(user), event));
        time.advance(1_000);
        return memberId;
    }

    /** @return the leave event's origin_server_ts */
    private long leave(String id, String memberId) {
        long ts = time.millis();
        send(List.of(Events.stickyLeave("@" + id + ":x", memberId, ts)));
        time.advance(1_000);
        return ts;
    }

    private void advanceTo(long t) {
        time.advance(t - time.millis());
    }

    private void send(List<RoomEvent> batch) {
        for (int i = 0; i < CLIENTS; i++) {
            List<RoomEvent> order = new ArrayList<>(batch);
            Collections.rotate(order, i);
            clients.get(i).onRoomEvents(Events.ROOM, order);
        }
    }

    /** Every client's active transport, as "mesh" or "sfu:{owner}". */
    private void assertActive(String expected, String why) {
        for (int i = 0; i < CLIENTS; i++) {
            Optional<Transport> t = clients.get(i).session(Events.ROOM, SlotId.ROOM_CALL).orElseThrow().activeTransport();
            String seen = t.map(FullMeshIntoLivekitSessionTest::describe).orElse("none");
            assertEquals(expected, seen, why + " (client " + i + ")");
        }
    }

    private void assertChanges(int expected) {
        for (int i = 0; i < CLIENTS; i++) {
            assertEquals(expected, changes.get(i).size(), "ActiveTransportChanged events at client " + i);
        }
    }

    private static String describe(Transport t) {
        return switch (t.type()) {
            case Transport.FULL_MESH -> "mesh";
            case Transport.LIVEKIT -> {
                String url = t.stringField("livekit_service_url").orElseThrow();
                yield "sfu:" + url.substring("https://".length(), url.indexOf(".sfu"));
            }
            default -> t.type();
        };
    }
}
