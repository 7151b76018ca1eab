package dev.mxrtc.crypto.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.DecryptedToDevice;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.GroupPlaintext;
import dev.mxrtc.crypto.GroupSession;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.OlmAccount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The refusals the Matrix layer owes its callers, between two Java devices. */
@Timeout(30)
class DeviceCryptoSecurityTest {
    private static final String ROOM = "!room:localhost";
    private final OlmFactoryImpl factory = new OlmFactoryImpl();
    private final ObjectMapper json = new ObjectMapper();

    private DeviceCrypto device(String user, String id) {
        return factory.deviceCrypto(user, id, factory.newAccount());
    }

    /** Alice claims one of Bob's one-time keys (signature checked) and starts a session. */
    private Device connect(DeviceCrypto alice, DeviceCrypto bob) throws Exception {
        Device bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
        JsonNode keys = json.readTree(bob.oneTimeKeysJson(1));
        bob.markKeysAsPublished();
        alice.startSession(bobDevice, alice.verifyOneTimeKey(bobDevice, keys.elements().next().toString()));
        return bobDevice;
    }

    @Test
    void replayedToDeviceMessageIsRejected() throws Exception {
        DeviceCrypto alice = device("@alice:x", "A");
        DeviceCrypto bob = device("@bob:x", "B");
        Device bobDevice = connect(alice, bob);
        String first = alice.encryptToDevice(bobDevice, "t", "{\"n\":1}");
        assertEquals("{\"n\":1}", bob.decryptToDevice("@alice:x", first).contentJson());
        assertEquals(Reason.REPLAY, assertThrows(CryptoException.class,
                () -> bob.decryptToDevice("@alice:x", first)).reason(), "pre-key message replayed");
        Device aliceDevice = bob.verifyDeviceKeys(alice.deviceKeysJson());
        alice.decryptToDevice("@bob:x", bob.encryptToDevice(aliceDevice, "t", "{}"));
        String normal = alice.encryptToDevice(bobDevice, "t", "{\"n\":2}");
        bob.decryptToDevice("@alice:x", normal);
        assertEquals(Reason.REPLAY, assertThrows(CryptoException.class,
                () -> bob.decryptToDevice("@alice:x", normal)).reason(), "normal message replayed");
    }

    @Test
    void tamperedCiphertextIsRejected() throws Exception {
        DeviceCrypto alice = device("@alice:x", "A");
        DeviceCrypto bob = device("@bob:x", "B");
        Device bobDevice = connect(alice, bob);
        ObjectNode content = (ObjectNode) json.readTree(alice.encryptToDevice(bobDevice, "t", "{}"));
        ObjectNode mine = (ObjectNode) content.path("ciphertext").path(bobDevice.keys().curve25519());
        byte[] body = Bytes.unb64(mine.get("body").asText());
        body[body.length - 3] ^= 0x10; // inside the MAC of the embedded message
        mine.put("body", Bytes.b64(body));
        assertEquals(Reason.BAD_MAC, assertThrows(CryptoException.class,
                () -> bob.decryptToDevice("@alice:x", content.toString())).reason());
    }

    @Test
    void wrongRecipientIsRejected() throws Exception {
        DeviceCrypto alice = device("@alice:x", "A");
        DeviceCrypto bob = device("@bob:x", "B");
        DeviceCrypto carol = device("@carol:x", "C");
        Device bobDevice = connect(alice, bob);
        String forBob = alice.encryptToDevice(bobDevice, "t", "{}");
        assertEquals(Reason.WRONG_RECIPIENT, assertThrows(CryptoException.class,
                () -> carol.decryptToDevice("@alice:x", forBob)).reason());
        // Bob's keys, but addressed to Carol's user id: Bob decrypts and refuses the payload
        Device misaddressed = new Device("@carol:x", "C", bobDevice.keys());
        String wrongUser = alice.encryptToDevice(misaddressed, "t", "{}");
        assertEquals(Reason.WRONG_RECIPIENT, assertThrows(CryptoException.class,
                () -> bob.decryptToDevice("@alice:x", wrongUser)).reason());
    }

    @Test
    void oneTimeKeyIsUsedOnceUnlessTheSessionMatches() throws Exception {
        DeviceCrypto alice = device("@alice:x", "A");
        DeviceCrypto alice2 = factory.deviceCrypto("@alice:x", "A", ((DeviceCryptoImpl) alice).account());
        DeviceCrypto bob = device("@bob:x", "B");
        Device bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
        JsonNode keys = json.readTree(bob.oneTimeKeysJson(1));
        String otk = alice.verifyOneTimeKey(bobDevice, keys.elements().next().toString());
        alice.startSession(bobDevice, otk);
        alice2.startSession(bobDevice, otk); // the same key claimed twice
        String first = alice.encryptToDevice(bobDevice, "t", "{\"n\":1}");
        String again = alice.encryptToDevice(bobDevice, "t", "{\"n\":2}");
        String second = alice2.encryptToDevice(bobDevice, "t", "{\"n\":3}");
        bob.decryptToDevice("@alice:x", first);
        assertEquals("{\"n\":2}", bob.decryptToDevice("@alice:x", again).contentJson(),
                "a second pre-key message on the same session is fine");
        assertEquals(Reason.UNKNOWN_ONE_TIME_KEY, assertThrows(CryptoException.class,
                () -> bob.decryptToDevice("@alice:x", second)).reason());
    }

    @Test
    void megolmReplayUnderAnotherEventIdIsRejected() throws Exception {
        DeviceCrypto alice = device("@alice:x", "A");
        DeviceCrypto bob = device("@bob:x", "B");
        Device bobDevice = connect(alice, bob);
        DecryptedToDevice key = bob.decryptToDevice("@alice:x",
                alice.encryptToDevice(bobDevice, "m.room_key", alice.roomKeyContent(ROOM)));
        bob.acceptRoomKey(key).orElseThrow();
        String content = alice.encryptRoomEvent(ROOM, "m.room.message", "{\"body\":\"hi\"}");
        String event = "{\"event_id\":\"$1\",\"sender\":\"@alice:x\",\"content\":" + content + "}";
        assertEquals("{\"body\":\"hi\"}", bob.decryptRoomEvent(ROOM, event).contentJson());
        assertEquals("{\"body\":\"hi\"}", bob.decryptRoomEvent(ROOM, event).contentJson(), "same event again is fine");
        String replay = event.replace("$1", "$2");
        assertEquals(Reason.REPLAY, assertThrows(CryptoException.class, () -> bob.decryptRoomEvent(ROOM, replay))
                .reason());
        assertEquals("{\"body\":\"hi\"}", alice.decryptRoomEvent(ROOM, event).contentJson(), "own echo");
    }

    @Test
    void noKeyMaterialInToStringOrLogs() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> secrets;
        List<String> printed;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            DeviceCrypto alice = device("@alice:x", "A");
            DeviceCrypto bob = device("@bob:x", "B");
            Device bobDevice = connect(alice, bob);
            String roomKey = alice.roomKeyContent(ROOM);
            DecryptedToDevice delivered = bob.decryptToDevice("@alice:x",
                    alice.encryptToDevice(bobDevice, "m.room_key", roomKey));
            bob.acceptRoomKey(delivered);
            String sessionKey = json.readTree(roomKey).path("session_key").asText();
            OlmAccount account = ((DeviceCryptoImpl) alice).account();
            GroupSession group = factory.newGroupSession();
            InboundGroupSession inbound = factory.inboundGroupSession(group.sessionKey());
            GroupPlaintext plain = inbound.decrypt(group.encrypt("secret plaintext"));
            secrets = List.of(sessionKey.substring(5, 60), group.sessionKey().substring(5, 60),
                    inbound.export(1).substring(5, 60), "secret plaintext");
            printed = List.of(alice.toString(), account.toString(), group.toString(), inbound.toString(),
                    delivered.toString(), plain.toString());
        } finally {
            System.setErr(originalErr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("room key accepted"), "debug logging was captured: " + log);
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "key material in the log");
            for (String text : printed) {
                assertFalse(text.contains(secret), "key material in " + text);
            }
        }
    }
}
