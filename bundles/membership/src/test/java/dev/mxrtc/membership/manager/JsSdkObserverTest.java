package dev.mxrtc.membership.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Transport;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;

/**
 * mxrtc's memberships as matrix-js-sdk 43 sees them (a real js-sdk client syncing against the same homeserver): the
 * network partition between mxrtc and the homeserver, and 100 join/leave cycles without ghosts or duplicates.
 */
@Timeout(150)
class JsSdkObserverTest {

    @TempDir
    Path dir;
    Fixture f;
    Participants participants;
    JsObserver js;

    @BeforeEach
    void start() throws Exception {
        f = new Fixture(dir, 86_400_000, 1_000);
        participants = new Participants(u -> Optional.of(f.botClient()), f.botCore.sessions, RecoveryTest.FAST);
        f.botCore.listen(participants::onSessionEvent);
        js = new JsObserver("http://127.0.0.1:" + f.hsPort, Fixture.OBSERVER, "pw-" + Fixture.OBSERVER, f.roomId);
    }

    @AfterEach
    void stop() throws Exception {
        participants.leaveAll(3_000);
        js.close();
        f.close();
    }

    private JoinRequest request(MembershipFormat format) {
        return JoinRequest.roomCall(f.roomId, Application.of("m.call"),
                List.of(Transport.livekit("https://lk.test/jwt", null))).withFormat(format);
    }

    private List<JsObserver.JsMember> bot(JsObserver.Report r) {
        return r.of(Fixture.BOT, "BOTDEV");
    }

    @Test
    void partitionLongerThanTheDelayRemovesTheMemberAndHealsWithAFreshOne() throws Exception {
        Participation p = participants.join(request(MembershipFormat.LEGACY));
        js.await(r -> bot(r).size() == 1, 5_000, "joined");
        String old = p.memberId();

        f.proxy.partition();
        long cut = System.currentTimeMillis();
        // the keep-alives are lost: the server fires the delayed leave; both observers see the member go
        js.await(r -> bot(r).isEmpty(), 6_000, "member removed by the delayed leave");
        long removedAfter = System.currentTimeMillis() - cut;
        f.awaitObserved(ms -> Fixture.ofBot(ms).isEmpty(), 2_000, "member removed (core)");
        Thread.sleep(500);
        f.proxy.heal();

        JsObserver.Report back = js.await(r -> bot(r).size() == 1, 10_000, "member back");
        String fresh = bot(back).get(0).memberId();
        assertNotEquals(old, fresh, "a fresh member id after the rejoin");
        assertEquals(p.memberId(), fresh);
        Thread.sleep(2_000);
        assertEquals(1, bot(js.latest()).size(), "exactly one membership for the device afterwards: " + js.latest());
        assertEquals(p.memberId(), bot(js.latest()).get(0).memberId());
        for (JsObserver.Report r : js.reports()) {
            assertTrue(bot(r).size() <= 1, "never two memberships for the device: " + r);
        }
        assertTrue(removedAfter >= 1_500 - 700, "not removed before the delay could lapse: " + removedAfter);
    }

    @Test
    void hundredJoinLeaveCyclesLeaveNoGhostsAndNoDuplicates() throws Exception {
        List<Long> joinMs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            MembershipFormat format = i % 2 == 0 ? MembershipFormat.LEGACY : MembershipFormat.STICKY_UNSTABLE;
            long t0 = System.nanoTime();
            Participation p = participants.join(request(format));
            String id = p.memberId();
            // observation point 1: exactly this member, once
            js.await(r -> bot(r).size() == 1 && bot(r).get(0).memberId().equals(id), 5_000, "cycle " + i + " joined");
            joinMs.add((System.nanoTime() - t0) / 1_000_000);
            p.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
            // observation point 2: no member of the device at all
            js.await(r -> bot(r).isEmpty(), 5_000, "cycle " + i + " left");
        }
        Thread.sleep(2 * RecoveryTest.FAST.delayMs());
        assertTrue(bot(js.latest()).isEmpty(), "no ghost at the end: " + js.latest());
        assertTrue(Fixture.ofBot(f.observed()).isEmpty(), "no ghost for the core either: " + f.observed());
        assertTrue(f.botClient().delayedEvents().isEmpty(), "no delayed leave left scheduled");
        for (JsObserver.Report r : js.reports()) {
            assertTrue(bot(r).size() <= 1, "a duplicate membership was observed: " + r);
        }
        Collections.sort(joinMs);
        System.out.printf("membership: 100 cycles, time to join seen by js-sdk p50=%d ms p99=%d ms max=%d ms%n",
                joinMs.get(49), joinMs.get(98), joinMs.get(99));
    }
}
