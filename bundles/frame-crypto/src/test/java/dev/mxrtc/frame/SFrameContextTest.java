package dev.mxrtc.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mxrtc.frame.FrameResult.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SFrameContextTest {

    private static final KeyMaterial KEY = new KeyMaterial(bytes(16, 1));
    private static final KeyMaterial OTHER = new KeyMaterial(bytes(16, 2));
    private static final byte[] FRAME = "an encoded media frame, more or less".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META = {1, 2, 3};

    static List<CipherSuite> suites() {
        return CipherSuite.all();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 13 + i);
        }
        return b;
    }

    private static SFrameContext context(CipherSuite suite, long kid, KeyMaterial key) {
        SFrameContext c = FrameCrypto.sframe(suite);
        c.addKey(kid, key);
        return c;
    }

    private static FrameResult.Decrypted decrypted(FrameResult r) {
        return assertInstanceOf(FrameResult.Decrypted.class, r);
    }

    private static Reason rejected(FrameResult r) {
        return assertInstanceOf(FrameResult.Rejected.class, r).reason();
    }

    @ParameterizedTest
    @MethodSource("suites")
    void roundTripsWithIncreasingCounters(CipherSuite suite) {
        SFrameContext tx = context(suite, 300, KEY);
        SFrameContext rx = context(suite, 300, KEY);
        for (int i = 0; i < 20; i++) {
            byte[] ct = tx.encrypt(300, FRAME, META);
            assertEquals(new SFrameHeader(300, i), SFrameHeader.decode(ct));
            assertEquals(new SFrameHeader(300, i).length() + FRAME.length + suite.tagLength(), ct.length);
            FrameResult.Decrypted d = decrypted(rx.decrypt(ct, META));
            assertArrayEquals(FRAME, d.frame());
            assertEquals(i, d.counter());
        }
        // empty frames and absent metadata are fine
        assertArrayEquals(new byte[0], decrypted(rx.decrypt(tx.encrypt(300, new byte[0], null), null)).frame());
    }

    @ParameterizedTest
    @MethodSource("suites")
    void anyFlippedBitIsAnAuthenticationFailure(CipherSuite suite) {
        SFrameContext tx = context(suite, 5, KEY);
        byte[] ct = tx.encrypt(5, FRAME, META);
        int header = SFrameHeader.decode(ct).length();
        for (int i = header; i < ct.length; i++) {
            SFrameContext rx = context(suite, 5, KEY);
            byte[] bad = ct.clone();
            bad[i] ^= 0x10;
            assertEquals(Reason.AUTHENTICATION_FAILED, rejected(rx.decrypt(bad, META)), "byte " + i);
        }
        // changed metadata: same
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(context(suite, 5, KEY).decrypt(ct, new byte[] {1, 2, 4})));
        // a changed CTR in the header: authenticated too
        byte[] ctr = ct.clone();
        ctr[0] ^= 0x01;
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(context(suite, 5, KEY).decrypt(ctr, META)));
        // and the untouched frame still decrypts
        assertArrayEquals(FRAME, decrypted(context(suite, 5, KEY).decrypt(ct, META)).frame());
    }

    @ParameterizedTest
    @MethodSource("suites")
    void wrongOrUnknownKeyIsRejected(CipherSuite suite) {
        byte[] ct = context(suite, 9, KEY).encrypt(9, FRAME, META);
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(context(suite, 9, OTHER).decrypt(ct, META)));
        assertEquals(Reason.UNKNOWN_KEY, rejected(context(suite, 10, KEY).decrypt(ct, META)));
        SFrameContext removed = context(suite, 9, KEY);
        assertTrue(removed.removeKey(9));
        assertFalse(removed.removeKey(9));
        assertEquals(Reason.UNKNOWN_KEY, rejected(removed.decrypt(ct, META)));
    }

    @Test
    void differentSuitesDoNotDecryptEachOther() {
        byte[] ct = context(CipherSuite.AES_128_GCM_SHA256_128, 1, KEY).encrypt(1, FRAME, META);
        assertEquals(Reason.AUTHENTICATION_FAILED,
                rejected(context(CipherSuite.AES_256_GCM_SHA512_128, 1, KEY).decrypt(ct, META)));
    }

    @Test
    void malformedFramesAreRejected() {
        SFrameContext rx = context(CipherSuite.AES_128_CTR_HMAC_SHA256_32, 1, KEY);
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(new byte[0], META)));
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(new byte[] {(byte) 0x80}, META)));
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(new byte[] {0x10, 1, 2}, META))); // shorter than the tag
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(new byte[] {(byte) 0x80, 1, 0, 0, 0, 0, 0}, META)));
    }

    @Test
    void replaysAndTooOldCountersAreRejectedButReorderingIsNot() {
        CipherSuite suite = CipherSuite.AES_128_GCM_SHA256_128;
        SFrameContext tx = context(suite, 1, KEY);
        SFrameContext rx = FrameCrypto.sframe(suite, 16);
        rx.addKey(1, KEY);
        byte[][] frames = new byte[40][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = tx.encrypt(1, FRAME, META);
        }
        decrypted(rx.decrypt(frames[0], META));
        assertEquals(Reason.REPLAYED, rejected(rx.decrypt(frames[0], META)));
        decrypted(rx.decrypt(frames[5], META));
        decrypted(rx.decrypt(frames[3], META));           // late but inside the window
        assertEquals(Reason.REPLAYED, rejected(rx.decrypt(frames[3], META)));
        decrypted(rx.decrypt(frames[30], META));          // jump: window now 15..30
        assertEquals(Reason.REPLAYED, rejected(rx.decrypt(frames[10], META)));   // too old
        decrypted(rx.decrypt(frames[20], META));
        decrypted(rx.decrypt(frames[15], META));          // oldest still in the window
        assertEquals(Reason.REPLAYED, rejected(rx.decrypt(frames[14], META)));

        // a forged frame does not move the window: CTR 39 with a bad tag, then the real CTR 39 still decrypts
        byte[] forged = frames[39].clone();
        forged[forged.length - 1] ^= 1;
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(rx.decrypt(forged, META)));
        decrypted(rx.decrypt(frames[39], META));

        // window 0: the caller handles replay
        SFrameContext noReplayCheck = FrameCrypto.sframe(suite, 0);
        noReplayCheck.addKey(1, KEY);
        decrypted(noReplayCheck.decrypt(frames[0], META));
        decrypted(noReplayCheck.decrypt(frames[0], META));
    }

    @Test
    void senderKeyRatchetIsFollowedByTheReceiver() {
        CipherSuite suite = CipherSuite.AES_128_CTR_HMAC_SHA256_80;
        SFrameContext tx = FrameCrypto.sframe(suite);
        SFrameContext rx = FrameCrypto.sframe(suite);
        long kid0 = tx.addSenderKey(3, 4, KEY);
        assertEquals(3L << 4, kid0);
        assertEquals(kid0, rx.addSenderKey(3, 4, KEY));
        byte[] step0 = tx.encrypt(kid0, FRAME, META);

        long kid1 = tx.ratchetSenderKey(3);
        assertEquals((3L << 4) + 1, kid1);
        byte[] step1 = tx.encrypt(kid1, FRAME, META);
        long kid2 = tx.ratchetSenderKey(3);
        long kid3 = tx.ratchetSenderKey(3);
        byte[] step3 = tx.encrypt(kid3, FRAME, META);
        assertEquals((3L << 4) + 3, kid3);
        assertNotEquals(kid2, kid3);
        // the sender keeps the step before the newest, not older ones
        assertThrows(IllegalStateException.class, () -> tx.encrypt(kid1, FRAME, META));
        tx.encrypt(kid2, FRAME, META);

        // the receiver jumps from step 0 to step 3 by itself; it keeps step 0 (its previous key) for late
        // frames, while step 1, which it never held, reads as 14 steps ahead and does not authenticate
        assertArrayEquals(FRAME, decrypted(rx.decrypt(step3, META)).frame());
        assertEquals(kid3, decrypted(rx.decrypt(tx.encrypt(kid3, FRAME, META), META)).keyId());
        assertArrayEquals(FRAME, decrypted(rx.decrypt(step0, META)).frame());
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(rx.decrypt(step1, META)));

        // a forged frame with a future step does not advance the receiver's chain
        SFrameContext rx2 = FrameCrypto.sframe(suite);
        rx2.addSenderKey(3, 4, KEY);
        byte[] forged = step3.clone();
        forged[forged.length - 1] ^= 1;
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(rx2.decrypt(forged, META)));
        assertArrayEquals(FRAME, decrypted(rx2.decrypt(step0, META)).frame());
        assertArrayEquals(FRAME, decrypted(rx2.decrypt(step1, META)).frame());
        assertArrayEquals(FRAME, decrypted(rx2.decrypt(step3, META)).frame());
    }

    @Test
    void senderKeyGenerationsAreSeparate() {
        CipherSuite suite = CipherSuite.AES_128_GCM_SHA256_128;
        SFrameContext tx = FrameCrypto.sframe(suite);
        long kid = tx.addSenderKey(1, 2, KEY);
        SFrameContext rx = FrameCrypto.sframe(suite);
        rx.addSenderKey(2, 2, KEY); // another generation: KIDs 8..11
        assertEquals(Reason.UNKNOWN_KEY, rejected(rx.decrypt(tx.encrypt(kid, FRAME, META), META)));
        assertThrows(IllegalArgumentException.class, () -> tx.addSenderKey(-1L, 8, KEY));
        assertThrows(IllegalStateException.class, () -> tx.ratchetSenderKey(9));
    }

    @Test
    void encryptWithoutKeyFails() {
        SFrameContext c = FrameCrypto.sframe(CipherSuite.AES_128_GCM_SHA256_128);
        assertThrows(IllegalStateException.class, () -> c.encrypt(1, FRAME, META));
    }

    @Test
    void keysAreUsableFromManyThreads() throws Exception {
        CipherSuite suite = CipherSuite.AES_128_GCM_SHA256_128;
        SFrameContext tx = context(suite, 1, KEY);
        SFrameContext receiver = FrameCrypto.sframe(suite, 4096);
        receiver.addKey(1, KEY);
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 500; i++) {
                    if (receiver.decrypt(tx.encrypt(1, FRAME, META), META) instanceof FrameResult.Decrypted d
                            && Arrays.equals(FRAME, d.frame())) {
                        ok.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(2000, ok.get());
    }
}
