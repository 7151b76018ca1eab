package dev.mxrtc.crypto.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.GroupSession;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmMessage;
import dev.mxrtc.crypto.OlmSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A simple timed loop (not JMH): encrypt+decrypt round trips of a 200-byte payload, reported for docs/crypto.md.
 * The floor (100 round trips/s) only catches a pathological slowdown; the printed figure is the measurement.
 */
@Timeout(60)
class ThroughputTest {
    private static final String PAYLOAD = "x".repeat(200);
    private static final int ROUNDS = 1000;
    private final OlmFactoryImpl factory = new OlmFactoryImpl();

    @Test
    void olmRoundTrips() throws CryptoException {
        OlmAccount alice = factory.newAccount();
        OlmAccount bob = factory.newAccount();
        bob.generateOneTimeKeys(1);
        OlmSession a = alice.createOutboundSession(bob.identityKeys().curve25519(),
                bob.unpublishedOneTimeKeys().values().iterator().next());
        OlmSession b = bob.createInboundSession(alice.identityKeys().curve25519(), a.encrypt("hi")).session();
        a.decrypt(b.encrypt("hi"));
        double perSecond = measure(() -> {
            OlmMessage m = a.encrypt(PAYLOAD);
            assertEquals(PAYLOAD, b.decrypt(m));
        });
        System.out.printf("Olm encrypt+decrypt (same chain): %.0f round trips/s%n", perSecond);
        double ratcheting = measure(() -> {
            assertEquals(PAYLOAD, b.decrypt(a.encrypt(PAYLOAD)));
            assertEquals(PAYLOAD, a.decrypt(b.encrypt(PAYLOAD)));
        }) * 2;
        System.out.printf("Olm encrypt+decrypt (ping-pong, a DH ratchet step each): %.0f round trips/s%n", ratcheting);
        assertTrue(perSecond > 100 && ratcheting > 100);
    }

    @Test
    void megolmRoundTrips() throws CryptoException {
        GroupSession out = factory.newGroupSession();
        InboundGroupSession in = factory.inboundGroupSession(out.sessionKey());
        double perSecond = measure(() -> assertEquals(PAYLOAD, in.decrypt(out.encrypt(PAYLOAD)).plaintext()));
        System.out.printf("Megolm encrypt+decrypt (Ed25519 sign+verify each): %.0f round trips/s%n", perSecond);
        assertTrue(perSecond > 100);
    }

    private interface Step {
        void run() throws CryptoException;
    }

    private static double measure(Step step) throws CryptoException {
        for (int i = 0; i < ROUNDS / 3; i++) {
            step.run(); // warm-up
        }
        long start = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            step.run();
        }
        return ROUNDS / ((System.nanoTime() - start) / 1e9);
    }
}
