package dev.mxrtc.crypto.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.GroupSession;
import dev.mxrtc.crypto.InboundGroupSession;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MegolmTest {
    private final OlmFactoryImpl factory = new OlmFactoryImpl();

    @Test
    void advanceToMatchesStepByStepAcrossRekeyBoundaries() {
        byte[] seed = new byte[MegolmRatchet.LENGTH];
        new Random(1).nextBytes(seed);
        MegolmRatchet stepped = new MegolmRatchet(seed, 0);
        long[] checkpoints = {1, 255, 256, 257, 1000, 65535, 65536, 65537, 70000};
        int next = 0;
        for (long i = 1; i <= 70000; i++) {
            stepped.advance();
            if (i == checkpoints[next]) {
                MegolmRatchet jumped = new MegolmRatchet(seed, 0);
                jumped.advanceTo(i);
                assertEquals(i, jumped.counter());
                assertArrayEquals(stepped.data(), jumped.data(), "index " + i);
                next++;
            }
        }
        MegolmRatchet fromMiddle = new MegolmRatchet(seed, 0);
        fromMiddle.advanceTo(300);
        fromMiddle.advanceTo(70000);
        assertArrayEquals(stepped.data(), fromMiddle.data());
        MegolmRatchet big = new MegolmRatchet(seed, 0);
        big.advanceTo(1L << 24);
        assertEquals(1L << 24, big.counter());
    }

    @Test
    void sharedSessionDecryptsFromItsIndexOn() throws CryptoException {
        GroupSession outbound = factory.newGroupSession();
        String early = outbound.encrypt("before sharing");
        assertEquals(229, Bytes.unb64(outbound.sessionKey()).length);
        InboundGroupSession inbound = factory.inboundGroupSession(outbound.sessionKey());
        assertEquals(outbound.sessionId(), inbound.sessionId());
        assertEquals(1, inbound.firstKnownIndex());
        assertTrue(inbound.isVerified());
        String[] later = new String[5];
        for (int i = 0; i < later.length; i++) {
            later[i] = outbound.encrypt("m" + i);
        }
        for (int i = later.length - 1; i >= 0; i--) {
            var plain = inbound.decrypt(later[i]);
            assertEquals("m" + i, plain.plaintext());
            assertEquals(i + 1, plain.messageIndex());
        }
        assertEquals(Reason.UNKNOWN_INDEX, assertThrows(CryptoException.class, () -> inbound.decrypt(early)).reason());
        String exported = inbound.export(3);
        assertEquals(165, Bytes.unb64(exported).length);
        InboundGroupSession imported = factory.importInboundGroupSession(exported);
        assertFalse(imported.isVerified());
        assertEquals("m2", imported.decrypt(later[2]).plaintext());
    }

    @Test
    void tamperedOrForeignMessagesAreRejected() throws CryptoException {
        GroupSession outbound = factory.newGroupSession();
        InboundGroupSession inbound = factory.inboundGroupSession(outbound.sessionKey());
        byte[] message = Bytes.unb64(outbound.encrypt("intact"));
        for (int position : new int[] {5, message.length - 70, message.length - 1}) {
            byte[] tampered = message.clone();
            tampered[position] ^= 0x04;
            assertEquals(Reason.BAD_MAC, assertThrows(CryptoException.class,
                    () -> inbound.decrypt(Bytes.b64(tampered))).reason());
        }
        GroupSession other = factory.newGroupSession();
        assertEquals(Reason.BAD_MAC, assertThrows(CryptoException.class,
                () -> inbound.decrypt(other.encrypt("foreign"))).reason());
        byte[] sessionKey = Bytes.unb64(outbound.sessionKey());
        sessionKey[10] ^= 1;
        assertEquals(Reason.BAD_MAC, assertThrows(CryptoException.class,
                () -> factory.inboundGroupSession(Bytes.b64(sessionKey))).reason());
        assertEquals("intact", inbound.decrypt(Bytes.b64(message)).plaintext());
    }

    @Test
    void pickledGroupSessionsContinue() throws CryptoException {
        byte[] key = new byte[32];
        key[31] = 1;
        GroupSession outbound = factory.newGroupSession();
        InboundGroupSession inbound = factory.inboundGroupSession(outbound.sessionKey());
        outbound.encrypt("zero");
        GroupSession outbound2 = factory.restoreGroupSession(outbound.pickle(key), key);
        InboundGroupSession inbound2 = factory.restoreInboundGroupSession(inbound.pickle(key), key);
        assertEquals(1, outbound2.messageIndex());
        var plain = inbound2.decrypt(outbound2.encrypt("one"));
        assertEquals("one", plain.plaintext());
        assertEquals(1, plain.messageIndex());
        assertEquals(outbound.sessionId(), inbound2.sessionId());
    }
}
