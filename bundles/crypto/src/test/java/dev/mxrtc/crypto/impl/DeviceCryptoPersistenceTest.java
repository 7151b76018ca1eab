package dev.mxrtc.crypto.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.CryptoState;
import dev.mxrtc.crypto.CryptoStateListener;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.InboundRoomSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmSession;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A device that keeps only what its {@link CryptoStateListener} was told (as pickles, the way a store does) and is
 * rebuilt from that between two messages keeps decrypting the same Olm and Megolm sessions.
 */
@Timeout(30)
class DeviceCryptoPersistenceTest {
    private static final String ROOM = "!room:localhost";
    private final OlmFactoryImpl factory = new OlmFactoryImpl();
    private final ObjectMapper json = new ObjectMapper();

    /** Pickles by id, like a store: the account, Olm sessions (most recent last), inbound Megolm sessions. */
    private final class PickleStore implements CryptoStateListener {
        final byte[] key = new byte[32];
        byte[] account;
        final LinkedHashMap<String, byte[]> olm = new LinkedHashMap<>();
        final Map<String, Object[]> megolm = new LinkedHashMap<>();
        int writes;

        PickleStore() {
            new SecureRandom().nextBytes(key);
        }

        @Override
        public void accountChanged(OlmAccount a) {
            account = a.pickle(key);
            writes++;
        }

        @Override
        public void olmSessionChanged(OlmSession s) {
            olm.remove(s.sessionId());
            olm.put(s.sessionId(), s.pickle(key));
            writes++;
        }

        @Override
        public void inboundSessionChanged(InboundRoomSession s) {
            megolm.put(s.roomId() + "|" + s.session().sessionId(),
                    new Object[] {s.roomId(), s.senderKey(), s.senderEd25519(), s.session().pickle(key)});
            writes++;
        }

        /** A fresh device from the pickles only (what a restarted process has). */
        DeviceCrypto restart(String user, String device) throws CryptoException {
            List<OlmSession> sessions = new ArrayList<>();
            for (byte[] p : olm.values()) {
                sessions.addFirst(factory.restoreSession(p, key));
            }
            List<InboundRoomSession> inbound = new ArrayList<>();
            for (Object[] m : megolm.values()) {
                InboundGroupSession s = factory.restoreInboundGroupSession((byte[]) m[3], key);
                inbound.add(new InboundRoomSession((String) m[0], (String) m[1], (String) m[2], s));
            }
            return factory.deviceCrypto(user, device, factory.restoreAccount(account, key),
                    new CryptoState(sessions, inbound), this);
        }
    }

    @Test
    void restartBetweenTwoMessagesOnTheSameOlmSessionKeepsDecrypting() throws Exception {
        DeviceCrypto alice = factory.deviceCrypto("@alice:x", "A", factory.newAccount());
        PickleStore store = new PickleStore();
        OlmAccount bobAccount = factory.newAccount();
        DeviceCrypto bob = factory.deviceCrypto("@bob:x", "B", bobAccount, CryptoState.EMPTY, store);
        Device bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
        JsonNode otk = json.readTree(bob.oneTimeKeysJson(2));
        bob.markKeysAsPublished();
        assertTrue(store.account != null, "the account was saved when its keys changed");
        alice.startSession(bobDevice, alice.verifyOneTimeKey(bobDevice, otk.elements().next().toString()));

        String first = alice.encryptToDevice(bobDevice, "t", "{\"n\":1}");
        assertEquals("{\"n\":1}", bob.decryptToDevice("@alice:x", first).contentJson());
        assertEquals(1, store.olm.size(), "the inbound session was saved");
        // alice shares a room key on the same session before the restart
        bob.acceptRoomKey(bob.decryptToDevice("@alice:x",
                alice.encryptToDevice(bobDevice, "m.room_key", alice.roomKeyContent(ROOM))));
        assertEquals(1, store.megolm.size(), "the inbound Megolm session was saved");
        String roomEvent = "{\"event_id\":\"$1\",\"content\":" + alice.encryptRoomEvent(ROOM, "m.room.message",
                "{\"body\":\"before\"}") + "}";
        assertEquals("{\"body\":\"before\"}", bob.decryptRoomEvent(ROOM, roomEvent).contentJson());

        DeviceCrypto restarted = store.restart("@bob:x", "B"); // the old object is gone with the process
        assertEquals(bob.identityKeys(), restarted.identityKeys());
        String second = alice.encryptToDevice(bobDevice, "t", "{\"n\":2}");
        assertEquals("{\"n\":2}", restarted.decryptToDevice("@alice:x", second).contentJson(),
                "the same Olm session decrypts the next message after the restart");
        String later = "{\"event_id\":\"$2\",\"content\":" + alice.encryptRoomEvent(ROOM, "m.room.message",
                "{\"body\":\"after\"}") + "}";
        assertEquals("{\"body\":\"after\"}", restarted.decryptRoomEvent(ROOM, later).contentJson(),
                "the Megolm session survived too");
        // and the reply goes out on the restored session (a normal message, no new pre-key session)
        Device aliceDevice = restarted.verifyDeviceKeys(alice.deviceKeysJson());
        assertTrue(restarted.hasSession(aliceDevice));
        String reply = restarted.encryptToDevice(aliceDevice, "t", "{\"n\":3}");
        assertEquals(1, json.readTree(reply).path("ciphertext").elements().next().path("type").asInt());
        assertEquals("{\"n\":3}", alice.decryptToDevice("@bob:x", reply).contentJson());
        // a replay of the first pre-key message is still refused: its one-time key is gone from the saved account
        assertEquals(Reason.REPLAY, assertThrows(CryptoException.class,
                () -> restarted.decryptToDevice("@alice:x", first)).reason());
    }

    @Test
    void withoutTheListenerARestartLosesTheSession() throws Exception {
        // the control: an account restored without its sessions cannot decrypt the second message
        DeviceCrypto alice = factory.deviceCrypto("@alice:x", "A", factory.newAccount());
        PickleStore store = new PickleStore();
        DeviceCrypto bob = factory.deviceCrypto("@bob:x", "B", factory.newAccount(), CryptoState.EMPTY, store);
        Device bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
        JsonNode otk = json.readTree(bob.oneTimeKeysJson(1));
        bob.markKeysAsPublished();
        alice.startSession(bobDevice, alice.verifyOneTimeKey(bobDevice, otk.elements().next().toString()));
        bob.decryptToDevice("@alice:x", alice.encryptToDevice(bobDevice, "t", "{}"));
        Device aliceDevice = bob.verifyDeviceKeys(alice.deviceKeysJson());
        alice.decryptToDevice("@bob:x", bob.encryptToDevice(aliceDevice, "t", "{}")); // alice now sends type 1
        store.olm.clear();
        DeviceCrypto amnesiac = store.restart("@bob:x", "B");
        String second = alice.encryptToDevice(bobDevice, "t", "{\"n\":2}");
        assertEquals(Reason.UNKNOWN_SESSION, assertThrows(CryptoException.class,
                () -> amnesiac.decryptToDevice("@alice:x", second)).reason());
    }
}
