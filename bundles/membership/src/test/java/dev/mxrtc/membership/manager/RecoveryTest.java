package dev.mxrtc.membership.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Transport;
import dev.mxrtc.matrix.DelayedAction;
import dev.mxrtc.matrix.OutgoingEvent;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.ParticipationStatus;

/**
 * Every failure path in real time against the embedded homeserver over real HTTP, with short delays (1.5 s delay,
 * restart every 0.6 s): clean leave, restart 404, 429/503 from the fault proxy, the homeserver down for longer
 * than the delay, the membership emptied by another session. The observer's own core judges the room.
 */
@Timeout(60)
class RecoveryTest {

    static final MembershipConfig FAST = MembershipConfig.DEFAULTS.withDelay(1_500, 600).withRetry(100, 300, 300)
            .withRefresh(14_400_000, 3_600_000, 5_000);

    @TempDir
    Path dir;
    Fixture f;
    Participants participants;

    @BeforeEach
    void start() throws Exception {
        f = new Fixture(dir, 86_400_000, 1_000);
        participants = new Participants(u -> Optional.of(f.botClient()), f.botCore.sessions, FAST);
        f.botCore.listen(participants::onSessionEvent);
    }

    @AfterEach
    void stop() {
        participants.leaveAll(3_000);
        f.close();
    }

    private Participation join(MembershipFormat format) throws Exception {
        Participation p = participants.join(JoinRequest.roomCall(f.roomId, Application.of("m.call"),
                List.of(Transport.livekit("https://lk.test/jwt", null))).withFormat(format));
        f.awaitObserved(ms -> Fixture.ofBot(ms).size() == 1
                && Fixture.ofBot(ms).get(0).memberId().equals(p.memberId()), 5_000, "bot joined");
        // the observer may see the member before the join's HTTP answer reaches the manager
        long deadline = System.currentTimeMillis() + 2_000;
        while (p.status() != ParticipationStatus.CONNECTED && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(ParticipationStatus.CONNECTED, p.status());
        return p;
    }

    private void assertStaysOne(String memberId, long ms) throws InterruptedException {
        long until = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < until) {
            List<Member> mine = Fixture.ofBot(f.observed());
            assertEquals(1, mine.size(), "exactly one member: " + mine);
            assertEquals(memberId, mine.get(0).memberId());
            Thread.sleep(50);
        }
    }

    @Test
    void legacyMemberOutlivesThreeDelaysAndLeavesCleanAtOnce() throws Exception {
        Participation p = join(MembershipFormat.LEGACY);
        assertStaysOne(p.memberId(), 4_500);
        p.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
        // the room is clean at once: the state was written by the leave itself, not by the delay
        assertEquals("{}", f.legacyState().orElseThrow().replace(" ", ""));
        f.awaitObserved(ms -> Fixture.ofBot(ms).isEmpty(), 1_000, "bot gone");
        assertTrue(f.botClient().delayedEvents().isEmpty(), "nothing left scheduled");
    }

    @Test
    void stickyMemberIsSentAsJsSdkDoesAndLeavesClean() throws Exception {
        Participation p = join(MembershipFormat.STICKY_UNSTABLE);
        Member m = Fixture.ofBot(f.observed()).get(0);
        assertEquals(MemberFormat.STICKY, m.format());
        assertEquals(p.memberId(), m.key());
        var sticky = f.proxy.seen().stream().filter(s -> s.is("PUT", "/send/org.matrix.msc4143.rtc.member/")).toList();
        assertTrue(sticky.get(0).query().contains("org.matrix.msc4140.delay=1500")
                && sticky.get(0).query().contains("org.matrix.msc4354.sticky_duration_ms="), sticky.toString());
        assertTrue(!sticky.get(1).query().contains("delay"), sticky.toString());
        assertStaysOne(p.memberId(), 3_000);
        p.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
        f.awaitObserved(ms -> Fixture.ofBot(ms).isEmpty(), 1_000, "bot gone");
    }

    @Test
    void autoFollowsAStickyRoom() throws Exception {
        Participation first = join(MembershipFormat.STICKY_UNSTABLE);
        Participation second = participants.join(new JoinRequest(Optional.empty(), f.roomId,
                dev.mxrtc.api.SlotId.of("m.call", "other"), Application.of("m.call"), List.of(), List.of(),
                MembershipFormat.AUTO));
        assertEquals(MembershipFormat.LEGACY, second.format(), "an empty slot: legacy, what js-sdk reads by default");
        second.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
        first.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
        Participation again = join(MembershipFormat.STICKY_UNSTABLE);
        long deadline = System.currentTimeMillis() + 5_000;
        while (f.botCore.sessions.session(f.roomId, dev.mxrtc.api.SlotId.ROOM_CALL).isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10); // the bot's own core must have seen its sticky member before AUTO can follow it
        }
        Participation auto = participants.join(JoinRequest.roomCall(f.roomId, Application.of("m.call"), List.of()));
        assertEquals(MembershipFormat.STICKY_UNSTABLE, auto.format(), "the room's member is sticky");
        auto.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
        again.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
    }

    @Test
    void restartAnswered404RejoinsWithAFreshMemberId() throws Exception {
        Participation p = join(MembershipFormat.LEGACY);
        String old = p.memberId();
        // remove the delayed leave server-side behind the manager's back (as a server purge would)
        f.botClient().delayedEvents().forEach(d -> f.botClient().updateDelayedEvent(d.delayId(), DelayedAction.CANCEL));
        f.awaitObserved(ms -> Fixture.ofBot(ms).size() == 1 && !Fixture.ofBot(ms).get(0).memberId().equals(old),
                5_000, "rejoined with a fresh member id");
        assertNotEquals(old, p.memberId());
        assertTrue(f.proxy.seen().stream().anyMatch(s -> s.is("POST", "/restart") && s.status() == 404));
        assertStaysOne(p.memberId(), 2_000);
        assertEquals(1, f.botClient().delayedEvents().size(), "one delayed leave guards the new member");
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedInsideTheDelay() throws Exception {
        AtomicInteger faults = new AtomicInteger(6);
        // the first join attempt is rate limited too
        f.proxy.rule(ex -> ex.getRequestURI().getRawPath().contains("call.member") && faults.get() == 6
                && faults.getAndDecrement() > 0 ? Optional.of(FaultProxy.Reply.rateLimited(200)) : Optional.empty());
        Participation p = join(MembershipFormat.LEGACY);
        String id = p.memberId();
        AtomicInteger n = new AtomicInteger();
        f.proxy.rule(ex -> {
            if (!ex.getRequestURI().getRawPath().endsWith("/restart") || faults.getAndDecrement() <= 0) {
                return Optional.empty();
            }
            return Optional.of(n.getAndIncrement() % 2 == 0 ? FaultProxy.Reply.rateLimited(150)
                    : FaultProxy.Reply.unavailable());
        });
        assertStaysOne(id, 4_000);
        f.proxy.clearRule();
        var seen = f.proxy.seen();
        assertTrue(seen.stream().anyMatch(s -> s.is("PUT", "call.member") && s.status() == 429), "429 on join");
        assertTrue(seen.stream().filter(s -> s.is("POST", "/restart") && s.status() == 429).count() >= 2, "429s");
        assertTrue(seen.stream().filter(s -> s.is("POST", "/restart") && s.status() == 503).count() >= 2, "503s");
        assertEquals(id, p.memberId(), "no rejoin was needed");
    }

    @Test
    void homeserverDownLongerThanTheDelayEndsWithExactlyOneFreshMember() throws Exception {
        Participation p = join(MembershipFormat.LEGACY);
        String old = p.memberId();
        f.restartHomeserver(3_000);
        List<Member> after = f.awaitObserved(ms -> Fixture.ofBot(ms).size() == 1
                && !Fixture.ofBot(ms).get(0).memberId().equals(old), 15_000, "a fresh member after the outage");
        assertEquals(p.memberId(), Fixture.ofBot(after).get(0).memberId());
        assertEquals(ParticipationStatus.CONNECTED, p.status());
        assertStaysOne(p.memberId(), 2_500);
        assertEquals(1, f.botClient().delayedEvents().size());
    }

    @Test
    void membershipEmptiedByAnotherSessionIsRepublished() throws Exception {
        Participation p = join(MembershipFormat.LEGACY);
        String old = p.memberId();
        // the same user's other session empties the state (the delayed leave stays scheduled: same sender)
        f.botClient().send(OutgoingEvent.state(f.roomId, MemberWire.LEGACY_TYPE, "_" + Fixture.BOT + "_BOTDEV_m.call",
                "{}"));
        f.awaitObserved(ms -> Fixture.ofBot(ms).size() == 1 && !Fixture.ofBot(ms).get(0).memberId().equals(old),
                5_000, "republished");
        assertStaysOne(p.memberId(), 2_500);
        assertEquals(1, f.botClient().delayedEvents().size(), "the stale delayed leave was cancelled");
    }
}
