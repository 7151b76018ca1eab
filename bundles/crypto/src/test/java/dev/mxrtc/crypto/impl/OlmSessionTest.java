package dev.mxrtc.crypto.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.InboundSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmMessage;
import dev.mxrtc.crypto.OlmSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OlmSessionTest {
    private final OlmFactoryImpl factory = new OlmFactoryImpl();

    private record Pair(OlmAccount alice, OlmAccount bob, OlmSession aliceSession, OlmSession bobSession) {
    }

    private Pair establish() throws CryptoException {
        OlmAccount alice = factory.newAccount();
        OlmAccount bob = factory.newAccount();
        bob.generateOneTimeKeys(1);
        String otk = bob.unpublishedOneTimeKeys().values().iterator().next();
        OlmSession aliceSession = alice.createOutboundSession(bob.identityKeys().curve25519(), otk);
        OlmMessage first = aliceSession.encrypt("hello bob");
        assertEquals(OlmMessage.PRE_KEY, first.type());
        InboundSession inbound = bob.createInboundSession(alice.identityKeys().curve25519(), first);
        assertEquals("hello bob", inbound.plaintext());
        assertEquals(aliceSession.sessionId(), inbound.session().sessionId());
        assertTrue(inbound.session().matchesInbound(alice.identityKeys().curve25519(), first));
        return new Pair(alice, bob, aliceSession, inbound.session());
    }

    @Test
    void conversationRatchetsBothWays() throws CryptoException {
        Pair p = establish();
        for (int round = 0; round < 5; round++) {
            OlmMessage toAlice = p.bobSession.encrypt("b" + round);
            assertEquals(OlmMessage.NORMAL, toAlice.type());
            assertEquals("b" + round, p.aliceSession.decrypt(toAlice));
            OlmMessage toBob = p.aliceSession.encrypt("a" + round);
            assertEquals(OlmMessage.NORMAL, toBob.type(), "Alice stops sending pre-key messages once she heard back");
            assertEquals("a" + round, p.bobSession.decrypt(toBob));
        }
    }

    @Test
    void outOfOrderMessagesUseSkippedKeysOnce() throws CryptoException {
        Pair p = establish();
        List<OlmMessage> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(p.bobSession.encrypt("m" + i));
        }
        for (int i = 9; i >= 0; i--) {
            assertEquals("m" + i, p.aliceSession.decrypt(messages.get(i)));
        }
        CryptoException replay = assertThrows(CryptoException.class, () -> p.aliceSession.decrypt(messages.get(3)));
        assertEquals(Reason.REPLAY, replay.reason());
    }

    @Test
    void replayedMessageIsRejected() throws CryptoException {
        Pair p = establish();
        OlmMessage message = p.bobSession.encrypt("once");
        assertEquals("once", p.aliceSession.decrypt(message));
        assertEquals(Reason.REPLAY,
                assertThrows(CryptoException.class, () -> p.aliceSession.decrypt(message)).reason());
    }

    @Test
    void tamperedCiphertextOrMacIsRejectedWithoutChangingState() throws CryptoException {
        Pair p = establish();
        OlmMessage message = p.bobSession.encrypt("intact");
        byte[] bytes = Bytes.unb64(message.body());
        for (int position : new int[] {bytes.length - 1, bytes.length - 12, 40}) {
            byte[] tampered = bytes.clone();
            tampered[position] ^= 0x01;
            CryptoException e = assertThrows(CryptoException.class,
                    () -> p.aliceSession.decrypt(new OlmMessage(OlmMessage.NORMAL, Bytes.b64(tampered))));
            assertTrue(e.reason() == Reason.BAD_MAC || e.reason() == Reason.BAD_MESSAGE
                    || e.reason() == Reason.UNKNOWN_SESSION, e.reason().toString());
        }
        assertEquals("intact", p.aliceSession.decrypt(message));
    }

    @Test
    void oneTimeKeyIsUsedOnce() throws CryptoException {
        OlmAccount alice = factory.newAccount();
        OlmAccount bob = factory.newAccount();
        bob.generateOneTimeKeys(2);
        String otk = bob.unpublishedOneTimeKeys().values().iterator().next();
        OlmMessage first = alice.createOutboundSession(bob.identityKeys().curve25519(), otk).encrypt("one");
        OlmMessage second = alice.createOutboundSession(bob.identityKeys().curve25519(), otk).encrypt("two");
        bob.createInboundSession(alice.identityKeys().curve25519(), first);
        assertEquals(1, bob.oneTimeKeyCount());
        CryptoException reuse = assertThrows(CryptoException.class,
                () -> bob.createInboundSession(alice.identityKeys().curve25519(), second));
        assertEquals(Reason.UNKNOWN_ONE_TIME_KEY, reuse.reason());
    }

    @Test
    void fallbackKeySurvivesUse() throws CryptoException {
        OlmAccount alice = factory.newAccount();
        OlmAccount bob = factory.newAccount();
        bob.generateFallbackKey();
        String fallback = bob.unpublishedFallbackKey().values().iterator().next();
        for (int i = 0; i < 2; i++) {
            OlmMessage m = alice.createOutboundSession(bob.identityKeys().curve25519(), fallback).encrypt("fb" + i);
            assertEquals("fb" + i, bob.createInboundSession(alice.identityKeys().curve25519(), m).plaintext());
        }
    }

    @Test
    void wrongRecipientCannotDecrypt() throws CryptoException {
        OlmAccount alice = factory.newAccount();
        OlmAccount bob = factory.newAccount();
        OlmAccount eve = factory.newAccount();
        bob.generateOneTimeKeys(1);
        String otk = bob.unpublishedOneTimeKeys().values().iterator().next();
        OlmMessage first = alice.createOutboundSession(bob.identityKeys().curve25519(), otk).encrypt("for bob");
        assertEquals(Reason.UNKNOWN_ONE_TIME_KEY, assertThrows(CryptoException.class,
                () -> eve.createInboundSession(alice.identityKeys().curve25519(), first)).reason());
        assertEquals(Reason.WRONG_SENDER, assertThrows(CryptoException.class,
                () -> bob.createInboundSession(eve.identityKeys().curve25519(), first)).reason());
        assertFalse(bob.unpublishedOneTimeKeys().isEmpty(), "a refused message consumes no one-time key");
    }

    @Test
    void pickledSessionsAndAccountsContinue() throws CryptoException {
        Pair p = establish();
        byte[] key = new byte[32];
        key[0] = 7;
        OlmSession alice = factory.restoreSession(p.aliceSession.pickle(key), key);
        OlmSession bob = factory.restoreSession(p.bobSession.pickle(key), key);
        assertEquals(p.aliceSession.sessionId(), alice.sessionId());
        assertEquals("after restore", alice.decrypt(bob.encrypt("after restore")));
        assertEquals("and back", bob.decrypt(alice.encrypt("and back")));
        OlmAccount restored = factory.restoreAccount(p.bob.pickle(key), key);
        assertEquals(p.bob.identityKeys(), restored.identityKeys());
        byte[] wrong = new byte[32];
        assertEquals(Reason.BAD_PICKLE_KEY, assertThrows(CryptoException.class,
                () -> factory.restoreAccount(p.bob.pickle(key), wrong)).reason());
        assertEquals(Reason.BAD_MESSAGE, assertThrows(CryptoException.class,
                () -> factory.restoreSession(p.bob.pickle(key), key)).reason(), "an account is not a session");
    }
}
