package dev.mxrtc.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Key bytes never appear in toString() output or in the log (slf4j-simple at trace, see the pom). */
@Isolated
class NoKeyMaterialLeaksTest {

    private static final byte[] RAW = HexFormat.of().parseHex("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");

    private static List<String> renderings(byte[] key) {
        HexFormat hex = HexFormat.of();
        return List.of(hex.formatHex(key), hex.withUpperCase().formatHex(key),
                Base64.getEncoder().encodeToString(key), Base64.getEncoder().withoutPadding().encodeToString(key),
                java.util.Arrays.toString(key), hex.formatHex(key, 0, 8));
    }

    private static void assertNoKey(String text) {
        for (String r : renderings(RAW)) {
            assertFalse(text.contains(r), "key material in: " + text);
        }
    }

    @Test
    void keyMaterialPrintsOnlyItsLength() {
        KeyMaterial k = new KeyMaterial(RAW);
        assertEquals("KeyMaterial[32 bytes]", k.toString());
        assertEquals(new KeyMaterial(RAW.clone()), k);
        assertNotEquals(KeyMaterial.random(32), k);
        byte[] copy = k.bytes();
        copy[0] ^= 1;
        assertEquals(new KeyMaterial(RAW), k, "bytes() hands out a copy");
    }

    @Test
    void logsAndToStringsCarryNoKeyMaterial() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringBuilder strings = new StringBuilder();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            KeyMaterial k = new KeyMaterial(RAW);
            SFrameContext tx = FrameCrypto.sframe(CipherSuite.AES_128_CTR_HMAC_SHA256_80);
            SFrameContext rx = FrameCrypto.sframe(CipherSuite.AES_128_CTR_HMAC_SHA256_80);
            tx.addKey(1, k);
            long kid = tx.addSenderKey(5, 3, k);
            rx.addSenderKey(5, 3, k);
            long next = tx.ratchetSenderKey(5);
            byte[] ct = tx.encrypt(next, new byte[] {1, 2, 3}, null);
            strings.append(rx.decrypt(ct, null)).append(rx.decrypt(ct, null)).append(rx.decrypt(new byte[] {0x7f}, null));
            strings.append(tx).append(k).append(CipherSuite.AES_256_GCM_SHA512_128).append(kid);
            rx.removeKey(next);

            LiveKitFrameCipher lk = FrameCrypto.liveKit();
            lk.setKey(0, k);
            lk.ratchet(0);
            byte[] wire = lk.encrypt(new LiveKitFrame(LiveKitFrameType.AUDIO, 1, 2, new byte[] {1, 2, 3}));
            LiveKitFrameCipher lkRx = FrameCrypto.liveKit();
            lkRx.setKey(0, k);
            strings.append(lkRx.decrypt(new LiveKitFrame(LiveKitFrameType.AUDIO, 1, 2, wire))).append(lk);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("SFrame key added"), "the log statements ran: " + log);
        assertTrue(log.contains("ratcheted"), log);
        assertNoKey(log);
        assertNoKey(strings.toString());
    }
}
