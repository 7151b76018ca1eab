package dev.mxrtc.membership.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.ParticipationStatus;

/**
 * The state machine on a {@link ManualActor} (time moved by hand, no sleeping), with a real client against the
 * real embedded homeserver: the order of calls on the wire and the keep-alive / refresh cadence.
 */
@Timeout(60)
class KeepAliveTest {

    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void start() throws Exception {
        f = new Fixture(dir, 86_400_000, 3_000);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private MembershipManager manager(ManualActor actor, MembershipConfig config) {
        var c = f.botClient();
        return new MembershipManager(c, actor, f.roomId, SlotId.ROOM_CALL,
                () -> new MemberWire.Legacy(f.roomId, SlotId.ROOM_CALL, c.userId(), c.deviceId(), true),
                MembershipFormat.LEGACY, true, config, Application.of("m.call"),
                List.of(Transport.livekit("https://lk.test/jwt", null)), List.of("livekit"));
    }

    @Test
    void delayedLeaveFirstThenJoinThenRestartsEveryPeriodAndExpiryRefreshes() throws Exception {
        ManualActor actor = new ManualActor(1_000_000);
        MembershipConfig config = MembershipConfig.DEFAULTS.withRefresh(60_000, 3_600_000, 5_000);
        MembershipManager m = manager(actor, config);
        f.proxy.clearSeen();
        m.start();
        actor.advance(0);
        assertEquals(ParticipationStatus.CONNECTED, m.status());
        var puts = f.proxy.seen().stream().filter(s -> s.is("PUT", "org.matrix.msc3401.call.member")).toList();
        assertEquals(2, puts.size(), puts.toString());
        assertTrue(puts.get(0).query().contains("org.matrix.msc4140.delay=8000"), "delayed leave first: " + puts);
        assertTrue(puts.get(1).query().isEmpty(), "then the join: " + puts);

        // 4 periods of 5 s: exactly 4 restarts, and no other call
        f.proxy.clearSeen();
        actor.advance(20_000);
        long restarts = f.proxy.seen().stream().filter(s -> s.is("POST", "/restart") && s.status() == 200).count();
        assertEquals(4, restarts, f.proxy.seen().toString());

        // the expiry refresh at created + 60 s - 5 s: restart, then the membership with expires 120 s, same created_ts
        String before = f.legacyState().orElseThrow();
        f.proxy.clearSeen();
        actor.advance(35_000);
        String after = f.legacyState().orElseThrow();
        var b = MemberWire.parse(before);
        var a = MemberWire.parse(after);
        assertEquals(60_000, ((Number) b.get("expires")).longValue());
        assertEquals(120_000, ((Number) a.get("expires")).longValue());
        assertEquals(b.get("created_ts"), a.get("created_ts"));
        assertEquals(m.memberId(), a.get("membershipID"));
        // the bot's own sync loop also goes through the proxy and may be recorded between the two: skip it
        var seen = f.proxy.seen().stream().filter(s -> !s.path().endsWith("/sync")).toList();
        int refreshPut = indexOf(seen, "PUT", "org.matrix.msc3401.call.member");
        assertTrue(refreshPut > 0 && seen.get(refreshPut - 1).is("POST", "/restart"), "restart before refresh: " + seen);

        m.leave();
        actor.advance(0);
        assertEquals(ParticipationStatus.DISCONNECTED, m.status());
        assertEquals("{}", f.legacyState().orElseThrow().replace(" ", ""));
    }

    @Test
    void maxDelayExceededUsesTheServersMaximum() throws Exception {
        f.close();
        f = new Fixture(dir.resolve("b"), 1_000, 3_000);
        ManualActor actor = new ManualActor(1_000_000);
        MembershipManager m = manager(actor, MembershipConfig.DEFAULTS);
        m.start();
        actor.advance(0);
        assertEquals(ParticipationStatus.CONNECTED, m.status());
        assertEquals(1_000, m.delayMs());
        // the restart period now fits the shorter delay: restarts at most 625 ms apart
        assertTrue(actor.nextAt() - actor.now() <= 625, "next restart in " + (actor.nextAt() - actor.now()));
        var delayed = f.botClient().delayedEvents();
        assertEquals(1, delayed.size());
        assertEquals(1_000, delayed.get(0).delayMs());
    }

    private static int indexOf(List<FaultProxy.Seen> seen, String method, String part) {
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i).is(method, part)) {
                return i;
            }
        }
        return -1;
    }
}
