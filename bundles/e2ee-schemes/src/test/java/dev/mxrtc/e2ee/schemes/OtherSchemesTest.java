package dev.mxrtc.e2ee.schemes;

import static dev.mxrtc.e2ee.schemes.Fixtures.ROOM;
import static dev.mxrtc.e2ee.schemes.Fixtures.member;
import static dev.mxrtc.e2ee.schemes.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.e2ee.schemes.Fixtures.ManualScheduler;
import dev.mxrtc.e2ee.schemes.Fixtures.RecordingSender;

@Timeout(20)
class OtherSchemesTest {

    private final Member me = member("@me:t", "ME", "m-me", 1);
    private final Member bob = member("@bob:t", "BOB", "m-bob", 2);
    private final Member carol = member("@carol:t", "CAROL", "m-carol", 3);

    @Test
    void sharedKeyIsLiveKitsPbkdf2OfThePasswordAndNeverSent() {
        RecordingSender sender = new RecordingSender();
        SharedKeyScheme scheme = new SharedKeyScheme(Map.of(ROOM, "correct horse"));
        Keying k = scheme.open(session(me, bob), me, sender);
        byte[] expected = SharedKeyScheme.derive("correct horse");
        assertArrayEquals(expected, k.currentKey().orElseThrow().key());
        assertEquals(16, expected.length);
        k.membersChanged(session(me));
        assertTrue(sender.sent.isEmpty());
        assertEquals(k.currentKey(), k.keyOf(bob, 0));
        assertThrows(IllegalStateException.class,
                () -> new SharedKeyScheme(Map.of()).open(session(me), me, sender));
    }

    @Test
    void sharedKeyMatchesNodePbkdf2() throws Exception {
        Process p = new ProcessBuilder("node", "-e",
                "process.stdout.write(require('crypto').pbkdf2Sync('correct horse','LKFrameEncryptionKey',100000,16,"
                        + "'sha256').toString('hex'))").redirectErrorStream(true).start();
        assertTrue(p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS));
        String node = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(node, HexFormat.of().formatHex(SharedKeyScheme.derive("correct horse")));
    }

    /** Three members run the ratchet side by side; keys travel through the recorded sends. */
    @Test
    void ratchetJoinAdvancesEveryoneWithoutTrafficAndTheJoinerCannotGoBack() {
        ManualScheduler clock = new ManualScheduler(0);
        RecordingSender meOut = new RecordingSender();
        RecordingSender bobOut = new RecordingSender();
        PerSenderRatchetKeying mine = new PerSenderRatchetKeying(500, 32, clock, new SecureRandom(), session(me, bob), me,
                meOut);
        PerSenderRatchetKeying bobs = new PerSenderRatchetKeying(500, 32, clock, new SecureRandom(), session(me, bob), bob,
                bobOut);
        bobs.keyReceived(me, meOut.last().key());
        mine.keyReceived(bob, bobOut.last().key());
        MediaKey myFirst = mine.currentKey().orElseThrow();

        Session three = session(me, bob, carol);
        mine.membersChanged(three);
        bobs.membersChanged(three);
        // each sends only its advanced key, only to the joiner
        assertEquals(List.of("CAROL"), meOut.last().devices());
        assertEquals(List.of("CAROL"), bobOut.last().devices());
        MediaKey myNext = meOut.last().key();
        assertEquals(1, myNext.index());
        assertNotEquals(myFirst, myNext);
        // bob computed my next key himself, identical to what carol received
        assertEquals(myNext, bobs.keyOf(me, 1).orElseThrow());
        assertEquals(myFirst, bobs.keyOf(me, 0).orElseThrow(), "old index kept for late frames");
        // the joiner cannot compute the previous key: the step is one-way (and the salt is public)
        byte[] salt = RatchetKdf.salt(List.of("m-me", "m-bob", "m-carol"));
        assertEquals(myNext, RatchetKdf.advance(myFirst, salt, "m-me"));
        assertEquals(myFirst, mine.currentKey().orElseThrow(), "new key only after the use delay");
        clock.advance(500);
        assertEquals(myNext, mine.currentKey().orElseThrow());

        // carol joins with her own view: she receives the advanced keys and her own fresh one goes to both
        RecordingSender carolOut = new RecordingSender();
        PerSenderRatchetKeying carols = new PerSenderRatchetKeying(500, 32, clock, new SecureRandom(), three, carol,
                carolOut);
        carols.keyReceived(me, myNext);
        assertEquals(List.of("BOB", "ME"), carolOut.last().devices());
        assertTrue(carols.keyOf(me, 0).isEmpty());
    }

    @Test
    void ratchetLeaveSendsAFreshKeyToTheRemainingMembersOnly() {
        ManualScheduler clock = new ManualScheduler(0);
        RecordingSender out = new RecordingSender();
        PerSenderRatchetKeying mine = new PerSenderRatchetKeying(500, 32, clock, new SecureRandom(),
                session(me, bob, carol), me, out);
        MediaKey first = mine.currentKey().orElseThrow();
        mine.keyReceived(carol, new MediaKey(0, new byte[32]));
        mine.membersChanged(session(me, bob));
        assertEquals(List.of("BOB"), out.last().devices());
        MediaKey fresh = out.last().key();
        assertEquals(1, fresh.index());
        // not derivable by the leaver: it is not the ratchet step of the old key
        assertNotEquals(RatchetKdf.advance(first, RatchetKdf.salt(List.of("m-me", "m-bob")), "m-me"), fresh);
        clock.advance(500);
        assertEquals(fresh, mine.currentKey().orElseThrow());
        mine.close();
        assertTrue(mine.currentKey().isEmpty());
    }
}
