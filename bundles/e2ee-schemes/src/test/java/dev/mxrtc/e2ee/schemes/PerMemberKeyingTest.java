package dev.mxrtc.e2ee.schemes;

import static dev.mxrtc.e2ee.schemes.Fixtures.member;
import static dev.mxrtc.e2ee.schemes.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.e2ee.schemes.Fixtures.ManualScheduler;
import dev.mxrtc.e2ee.schemes.Fixtures.RecordingSender;

/** The js-sdk 43 rotation rules, driven by a manual clock (no sleeping). */
@Timeout(10)
class PerMemberKeyingTest {

    private final ManualScheduler clock = new ManualScheduler(1_000_000);
    private final RecordingSender sender = new RecordingSender();
    private final Member me = member("@me:t", "ME", "m-me", 1);
    private final Member bob = member("@bob:t", "BOB", "m-bob", 2);
    private final Member carol = member("@carol:t", "CAROL", "m-carol", 3);
    private final Member dave = member("@dave:t", "DAVE", "m-dave", 4);

    private PerMemberKeying open(PerMemberScheme.Settings settings, Member... members) {
        return new PerMemberKeying(settings, clock, new SecureRandom(), session(members), me, sender);
    }

    private static PerMemberScheme.Settings settings(long delay, long grace, int limit) {
        return new PerMemberScheme.Settings(delay, grace, limit, 16);
    }

    @Test
    void firstKeyIsIndexZeroUsedAtOnceAndSentToEveryoneButMe() {
        PerMemberKeying k = open(settings(1_000, 10_000, 0), me, bob, carol);
        assertEquals(0, k.currentKey().orElseThrow().index());
        assertEquals(16, k.currentKey().orElseThrow().key().length);
        assertEquals(1, sender.sent.size());
        assertEquals(List.of("BOB", "CAROL"), sender.last().devices());
        assertEquals(k.currentKey().orElseThrow(), sender.last().key());
    }

    @Test
    void leaveRotatesToRemainingMembersOnlyAndUsesTheKeyAfterTheDelay() {
        PerMemberKeying k = open(settings(1_000, 10_000, 0), me, bob, carol);
        MediaKey first = k.currentKey().orElseThrow();
        k.membersChanged(session(me, bob));
        assertEquals(2, sender.sent.size());
        MediaKey rotated = sender.last().key();
        assertEquals(1, rotated.index());
        assertNotEquals(first, rotated);
        assertEquals(List.of("BOB"), sender.last().devices(), "the leaver gets nothing");
        assertEquals(first, k.currentKey().orElseThrow(), "not used before the delay");
        assertEquals(PerMemberKeying.State.DELAYING, k.state());
        clock.advance(999);
        assertEquals(first, k.currentKey().orElseThrow());
        clock.advance(1);
        assertEquals(rotated, k.currentKey().orElseThrow());
        assertEquals(PerMemberKeying.State.STEADY, k.state());
    }

    @Test
    void joinerWithinGraceGetsTheCurrentKeyOnlyAfterGraceARotationForAll() {
        PerMemberKeying k = open(settings(1_000, 10_000, 0), me, bob);
        MediaKey first = k.currentKey().orElseThrow();
        clock.advance(9_999);
        k.membersChanged(session(me, bob, carol));
        assertEquals(List.of("CAROL"), sender.last().devices());
        assertEquals(first, sender.last().key());
        clock.advance(1);
        k.membersChanged(session(me, bob, carol, dave));
        assertEquals(List.of("BOB", "CAROL", "DAVE"), sender.last().devices());
        assertEquals(1, sender.last().key().index());
    }

    @Test
    void leavesDuringTheDelayCoalesceIntoOneMoreRotation() {
        PerMemberKeying k = open(settings(1_000, 10_000, 0), me, bob, carol, dave);
        k.membersChanged(session(me, bob, carol)); // dave leaves: rotation 1
        assertEquals(2, sender.sent.size());
        k.membersChanged(session(me, bob)); // carol leaves during the delay
        k.membersChanged(session(me)); // bob too
        k.membersChanged(session(me, bob)); // bob back with the same membership
        assertEquals(2, sender.sent.size(), "nothing sent during the delay");
        clock.advance(1_000);
        assertEquals(1, k.currentKey().orElseThrow().index());
        assertEquals(3, sender.sent.size(), "exactly one more rollout");
        assertEquals(2, sender.last().key().index());
        assertEquals(List.of("BOB"), sender.last().devices());
        clock.advance(1_000);
        assertEquals(2, k.currentKey().orElseThrow().index());
        clock.advance(60_000);
        assertEquals(3, sender.sent.size());
    }

    @Test
    void rejoinOfTheSameDeviceCountsAsALeave() {
        PerMemberKeying k = open(settings(0, 10_000, 0), me, bob);
        k.membersChanged(session(me, member("@bob:t", "BOB", "m-bob-2", 50)));
        assertEquals(1, sender.last().key().index());
        clock.advance(0);
        assertEquals(1, k.currentKey().orElseThrow().index());
    }

    @Test
    void indexWrapsAfter255() {
        PerMemberKeying k = open(settings(0, 10_000, 0), me, bob);
        for (int i = 1; i <= 256; i++) {
            k.membersChanged(session(me, member("@bob:t", "BOB", "m-bob-" + i, 10 + i)));
            clock.advance(0);
        }
        assertEquals(0, k.currentKey().orElseThrow().index());
        assertEquals(257, sender.sent.size());
    }

    @Test
    void participantLimitStopsRotationAndJoinersGetTheCurrentKey() {
        PerMemberKeying k = open(settings(1_000, 0, 3), me, bob, carol);
        MediaKey first = k.currentKey().orElseThrow();
        k.membersChanged(session(me, bob, carol, dave));
        assertEquals(first, sender.last().key());
        assertEquals(List.of("DAVE"), sender.last().devices());
        k.membersChanged(session(me, bob, dave)); // a leave at the limit: no rotation
        assertEquals(2, sender.sent.size());
        assertEquals(PerMemberKeying.State.STEADY, k.state());
        k.membersChanged(session(me, bob)); // below the limit again: the pending leaves rotate
        assertEquals(1, sender.last().key().index());
        assertEquals(List.of("BOB"), sender.last().devices());
    }

    @Test
    void receivedKeysAreKeptPerMemberAndIndex() {
        PerMemberKeying k = open(settings(1_000, 10_000, 0), me, bob);
        MediaKey b0 = new MediaKey(0, new byte[16]);
        MediaKey b1 = new MediaKey(1, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        k.keyReceived(bob, b0);
        k.keyReceived(bob, b1);
        assertEquals(b0, k.keyOf(bob, 0).orElseThrow(), "old indices stay for late frames");
        assertEquals(b1, k.keyOf(bob, 1).orElseThrow());
        assertTrue(k.keyOf(carol, 0).isEmpty());
        k.close();
        assertFalse(k.currentKey().isPresent());
        assertTrue(k.keyOf(bob, 1).isEmpty());
    }
}
