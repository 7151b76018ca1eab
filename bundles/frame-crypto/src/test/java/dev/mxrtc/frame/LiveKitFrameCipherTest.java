package dev.mxrtc.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mxrtc.frame.FrameResult.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LiveKitFrameCipherTest {

    private static final KeyMaterial KEY = new KeyMaterial(bytes(32, 1));
    private static final KeyMaterial OTHER = new KeyMaterial(bytes(32, 2));

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 17 + i * 3);
        }
        return b;
    }

    private static LiveKitFrameCipher cipher(int index, KeyMaterial key) {
        LiveKitFrameCipher c = FrameCrypto.liveKit();
        c.setKey(index, key);
        return c;
    }

    private static LiveKitFrame frame(LiveKitFrameType type, byte[] data) {
        return new LiveKitFrame(type, 0xDEADBEEFL, 0xFFFF_FFF0L, data);
    }

    private static FrameResult.Decrypted decrypted(FrameResult r) {
        return assertInstanceOf(FrameResult.Decrypted.class, r, String.valueOf(r));
    }

    private static Reason rejected(FrameResult r) {
        return assertInstanceOf(FrameResult.Rejected.class, r).reason();
    }

    @ParameterizedTest
    @EnumSource(LiveKitFrameType.class)
    void layoutIsClearHeaderCiphertextIvLengthAndIndex(LiveKitFrameType type) {
        LiveKitFrameCipher tx = cipher(42, KEY);
        byte[] data = bytes(300, 4);
        byte[] wire = tx.encrypt(frame(type, data));
        int clear = type.clearBytes();
        assertEquals(data.length + 16 + 12 + 2, wire.length);
        assertArrayEquals(Arrays.copyOf(data, clear), Arrays.copyOf(wire, clear));
        assertNotEquals(ByteBuffer.wrap(data, clear, 16), ByteBuffer.wrap(wire, clear, 16));
        assertEquals(12, wire[wire.length - 2]);
        assertEquals(42, wire[wire.length - 1]);
        ByteBuffer iv = ByteBuffer.wrap(wire, wire.length - 14, 12);
        assertEquals(0xDEADBEEF, iv.getInt());
        assertEquals(0xFFFF_FFF0, iv.getInt());

        FrameResult.Decrypted d = decrypted(cipher(42, KEY).decrypt(frame(type, wire)));
        assertArrayEquals(data, d.frame());
        assertEquals(42, d.keyId());
    }

    @Test
    void ivSendCountAdvancesPerSsrc() {
        LiveKitFrameCipher tx = cipher(0, KEY);
        byte[] a = tx.encrypt(frame(LiveKitFrameType.AUDIO, bytes(10, 1)));
        byte[] b = tx.encrypt(frame(LiveKitFrameType.AUDIO, bytes(10, 1)));
        int ca = ByteBuffer.wrap(a, a.length - 6, 4).getInt();
        int cb = ByteBuffer.wrap(b, b.length - 6, 4).getInt();
        // third IV word = timestamp - (sendCount mod 0xFFFF); same timestamp, next sendCount
        int diff = ca - cb;
        // one step, or the wrap of sendCount mod 0xFFFF from 0xFFFE to 0
        org.junit.jupiter.api.Assertions.assertTrue(diff == 1 || diff == -0xFFFE, "diff " + diff);
    }

    @Test
    void tamperedFramesAreRejected() {
        byte[] wire = cipher(1, KEY).encrypt(frame(LiveKitFrameType.VP8_KEY, bytes(100, 7)));
        for (int i = 0; i < wire.length - 2; i++) {
            byte[] bad = wire.clone();
            bad[i] ^= 0x01;
            assertEquals(Reason.AUTHENTICATION_FAILED,
                    rejected(cipherNoRatchet(1, KEY).decrypt(frame(LiveKitFrameType.VP8_KEY, bad))), "byte " + i);
        }
        // read as a delta frame (3 clear bytes instead of 10): AAD differs, so no garbage either
        assertEquals(Reason.AUTHENTICATION_FAILED,
                rejected(cipher(1, KEY).decrypt(frame(LiveKitFrameType.VP8_DELTA, wire))));
    }

    private static LiveKitFrameCipher cipherNoRatchet(int index, KeyMaterial key) {
        LiveKitFrameCipher c = FrameCrypto.liveKit(0);
        c.setKey(index, key);
        return c;
    }

    @Test
    void wrongKeyUnknownIndexAndMalformedAreRejected() {
        byte[] wire = cipher(3, KEY).encrypt(frame(LiveKitFrameType.AUDIO, bytes(50, 1)));
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(cipher(3, OTHER).decrypt(frame(LiveKitFrameType.AUDIO, wire))));
        assertEquals(Reason.UNKNOWN_KEY, rejected(cipher(4, KEY).decrypt(frame(LiveKitFrameType.AUDIO, wire))));
        LiveKitFrameCipher rx = cipher(3, KEY);
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(frame(LiveKitFrameType.AUDIO, new byte[] {1, 12, 3}))));
        byte[] noIv = wire.clone();
        noIv[noIv.length - 2] = 0;
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(frame(LiveKitFrameType.AUDIO, noIv))));
        byte[] hugeIv = wire.clone();
        hugeIv[hugeIv.length - 2] = (byte) 200;
        assertEquals(Reason.MALFORMED, rejected(rx.decrypt(frame(LiveKitFrameType.AUDIO, hugeIv))));
    }

    @Test
    void emptyFramesPassThroughAndShortFramesAreRefused() {
        LiveKitFrameCipher c = cipher(0, KEY);
        assertEquals(0, c.encrypt(frame(LiveKitFrameType.AUDIO, new byte[0])).length);
        assertEquals(0, decrypted(c.decrypt(frame(LiveKitFrameType.AUDIO, new byte[0]))).frame().length);
        assertThrows(IllegalArgumentException.class, () -> c.encrypt(frame(LiveKitFrameType.VP8_KEY, new byte[5])));
        assertThrows(IllegalStateException.class, () -> FrameCrypto.liveKit().encrypt(frame(LiveKitFrameType.VP9, new byte[5])));
    }

    @Test
    void keyIndicesCoverTheWholeByteAndDoNotWrap() {
        LiveKitFrameCipher tx = FrameCrypto.liveKit();
        LiveKitFrameCipher rx = FrameCrypto.liveKit();
        for (int index : new int[] {0, 1, 127, 128, 254, 255}) {
            KeyMaterial k = new KeyMaterial(bytes(32, index));
            tx.setKey(index, k);
            rx.setKey(index, k);
        }
        for (int index : new int[] {255, 0, 128, 127}) {
            tx.setCurrentKeyIndex(index);
            assertEquals(index, tx.currentKeyIndex());
            byte[] wire = tx.encrypt(frame(LiveKitFrameType.AUDIO, bytes(20, 9)));
            assertEquals(index, wire[wire.length - 1] & 0xff);
            assertEquals(index, decrypted(rx.decrypt(frame(LiveKitFrameType.AUDIO, wire))).keyId());
        }
        assertThrows(IllegalArgumentException.class, () -> tx.setKey(256, KEY));
        assertThrows(IllegalArgumentException.class, () -> tx.setCurrentKeyIndex(-1));
    }

    @Test
    void receiverFollowsSenderRatchetsWithinTheWindow() {
        LiveKitFrameCipher tx = cipher(9, KEY);
        LiveKitFrameCipher rx = FrameCrypto.liveKit(3);
        rx.setKey(9, KEY);
        for (int steps = 1; steps <= 3; steps++) {
            for (int i = 0; i < steps; i++) {
                tx.ratchet(9);
            }
            byte[] data = bytes(64, steps);
            assertArrayEquals(data, decrypted(rx.decrypt(frame(LiveKitFrameType.AUDIO,
                    tx.encrypt(frame(LiveKitFrameType.AUDIO, data))))).frame(), "gap " + steps);
        }
        // now both are 6 steps in; a gap of 4 is beyond a window of 3
        for (int i = 0; i < 4; i++) {
            tx.ratchet(9);
        }
        byte[] far = tx.encrypt(frame(LiveKitFrameType.AUDIO, bytes(64, 5)));
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(rx.decrypt(frame(LiveKitFrameType.AUDIO, far))));
        // ... but a receiver that ratchets by hand catches up
        rx.ratchet(9);
        assertArrayEquals(bytes(64, 5), decrypted(rx.decrypt(frame(LiveKitFrameType.AUDIO, far))).frame());
    }

    @Test
    void sharedPasswordModeUsesPbkdf2() {
        LiveKitFrameCipher tx = FrameCrypto.liveKit();
        tx.setSharedPassword(0, "s3cret");
        LiveKitFrameCipher rx = FrameCrypto.liveKit();
        rx.setSharedPassword(0, "s3cret");
        byte[] wire = tx.encrypt(frame(LiveKitFrameType.VP9, bytes(64, 3)));
        assertArrayEquals(bytes(64, 3), decrypted(rx.decrypt(frame(LiveKitFrameType.VP9, wire))).frame());
        LiveKitFrameCipher wrong = FrameCrypto.liveKit(0);
        wrong.setSharedPassword(0, "s3cret!");
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(wrong.decrypt(frame(LiveKitFrameType.VP9, wire))));
        // the same bytes as an HKDF key give another frame key
        LiveKitFrameCipher hkdf = FrameCrypto.liveKit(0);
        hkdf.setKey(0, new KeyMaterial("s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(Reason.AUTHENTICATION_FAILED, rejected(hkdf.decrypt(frame(LiveKitFrameType.VP9, wire))));
    }
}
