package dev.mxrtc.membership.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.call.CallRecord;
import dev.mxrtc.call.history.HistoryComponent;
import dev.mxrtc.call.history.HistoryStore;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;

/**
 * mxrtc's memberships as matrix-js-sdk 43 sees them (a real js-sdk client syncing against the same homeserver): the
 * network partition between mxrtc and the homeserver, and 100 join/leave cycles without ghosts or duplicates, recorded
 * by the real call history (app-call's H2 store) as 100 sessions with the right participant each.
 */
@Timeout(150)
class JsSdkObserverTest {

    @TempDir
    Path dir;
    Fixture f;
    Participants participants;
    JsObserver js;
    /** The call history fed by the observer's core, and one fed by mxrtc's own (the bot's) core. */
    HistoryComponent observerHistory;
    HistoryComponent botHistory;

    @BeforeEach
    void start() throws Exception {
        f = new Fixture(dir, 86_400_000, 1_000);
        participants = new Participants(u -> Optional.of(f.botClient()), f.botCore.sessions, RecoveryTest.FAST);
        f.botCore.listen(participants::onSessionEvent);
        // registered as HistoryComponent is in OSGi: an RtcSessionListener for every room and slot (no filter)
        observerHistory = new HistoryComponent(dir.resolve("history-observer"), 60_000, InstantSource.system());
        f.observerCore.listen(observerHistory);
        botHistory = new HistoryComponent(dir.resolve("history-bot"), 60_000, InstantSource.system());
        f.botCore.listen(botHistory);
        js = new JsObserver("http://127.0.0.1:" + f.hsPort, Fixture.OBSERVER, "pw-" + Fixture.OBSERVER, f.roomId);
    }

    @AfterEach
    void stop() throws Exception {
        participants.leaveAll(3_000);
        js.close();
        f.close();
        for (HistoryComponent h : new HistoryComponent[] {observerHistory, botHistory}) {
            if (h != null) {
                h.close();
            }
        }
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
        List<String> memberIds = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            MembershipFormat format = i % 2 == 0 ? MembershipFormat.LEGACY : MembershipFormat.STICKY_UNSTABLE;
            long t0 = System.nanoTime();
            Participation p = participants.join(request(format));
            String id = p.memberId();
            memberIds.add(id);
            // observation point 1: exactly this member, once
            js.await(r -> bot(r).size() == 1 && bot(r).get(0).memberId().equals(id), 5_000, "cycle " + i + " joined");
            joinMs.add((System.nanoTime() - t0) / 1_000_000);
            // both cores see the join too: a session exists only for a core that saw it (the history records
            // what its core reports; a leave and the next join in one sync are one continuing session)
            for (Fixture.Core core : new Fixture.Core[] {f.observerCore, f.botCore}) {
                f.awaitObserved(core, ms -> Fixture.ofBot(ms).size() == 1
                        && Fixture.ofBot(ms).get(0).memberId().equals(id), 5_000, "cycle " + i + " joined");
            }
            p.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
            // observation point 2: no member of the device at all
            js.await(r -> bot(r).isEmpty(), 5_000, "cycle " + i + " left");
            for (Fixture.Core core : new Fixture.Core[] {f.observerCore, f.botCore}) {
                f.awaitObserved(core, ms -> Fixture.ofBot(ms).isEmpty(), 5_000, "cycle " + i + " left");
            }
        }
        Thread.sleep(2 * RecoveryTest.FAST.delayMs());
        assertTrue(bot(js.latest()).isEmpty(), "no ghost at the end: " + js.latest());
        assertTrue(Fixture.ofBot(f.observed()).isEmpty(), "no ghost for the core either: " + f.observed());
        assertTrue(f.botClient().delayedEvents().isEmpty(), "no delayed leave left scheduled");
        for (JsObserver.Report r : js.reports()) {
            assertTrue(bot(r).size() <= 1, "a duplicate membership was observed: " + r);
        }
        assertEquals(100, memberIds.stream().distinct().count(), "a fresh member id per join: " + memberIds);
        assertHistory("observer", observerHistory, memberIds);
        assertHistory("bot", botHistory, memberIds);
        Collections.sort(joinMs);
        System.out.printf("membership: 100 cycles, time to join seen by js-sdk p50=%d ms p99=%d ms max=%d ms%n",
                joinMs.get(49), joinMs.get(98), joinMs.get(99));
    }

    /**
     * The history records one ended session per cycle, in order, each with exactly that cycle's member of the bot's
     * device, joined before it left, and no two sessions overlapping.
     */
    private void assertHistory(String whose, HistoryComponent history, List<String> memberIds)
            throws InterruptedException {
        // the core has ended the last session (checked above); its events may still be queued for the store
        long deadline = System.currentTimeMillis() + 5_000;
        List<CallRecord> calls = history.calls(f.roomId, 1_000);
        while (calls.size() < memberIds.size() || calls.stream().anyMatch(c -> c.endTs().isEmpty())) {
            if (System.currentTimeMillis() > deadline) {
                break; // the assertions below say what is missing
            }
            Thread.sleep(20);
            history.flush();
            calls = history.calls(f.roomId, 1_000);
        }
        String where = whose + "'s history: ";
        assertEquals(memberIds.size(), calls.size(), where + "one call per cycle: " + calls);
        List<CallRecord> oldestFirst = calls.stream()
                .sorted(Comparator.comparingLong(CallRecord::startTs).thenComparingLong(CallRecord::id)).toList();
        for (int i = 0; i < oldestFirst.size(); i++) {
            CallRecord c = oldestFirst.get(i);
            String what = where + "cycle " + i + " " + c;
            assertEquals(f.roomId, c.roomId(), what);
            assertEquals(SlotId.ROOM_CALL.value(), c.slotId(), what);
            assertTrue(c.endTs().isPresent(), "ended: " + what);
            assertEquals(HistoryStore.ENDED, c.endReason(), what);
            assertTrue(c.durationMs().getAsLong() > 0, "a positive duration: " + what);
            assertEquals(1, c.participants().size(), "exactly one participant: " + what);
            CallRecord.Participant p = c.participants().get(0);
            assertEquals(Fixture.BOT, p.userId(), what);
            assertEquals("BOTDEV", p.deviceId(), what);
            assertEquals(memberIds.get(i), p.memberId(), "the member id of that cycle's join: " + what);
            assertTrue(p.leaveTs().isPresent(), "left: " + what);
            assertTrue(p.joinTs() <= p.leaveTs().getAsLong(), "joined before it left: " + what);
            assertTrue(c.startTs() <= p.joinTs() && p.joinTs() <= c.endTs().getAsLong(),
                    "joined while the call ran: " + what);
            assertTrue(p.leaveTs().getAsLong() <= c.endTs().getAsLong(), "left no later than the call ended: " + what);
            if (i > 0) {
                CallRecord before = oldestFirst.get(i - 1);
                assertTrue(before.endTs().getAsLong() <= c.startTs(),
                        "no overlap with the previous call " + before + ": " + what);
            }
        }
        CallRecord last = oldestFirst.get(oldestFirst.size() - 1);
        System.out.printf("membership: %s history: %d calls, last %d ms long%n", whose, calls.size(),
                last.durationMs().getAsLong());
    }
}
