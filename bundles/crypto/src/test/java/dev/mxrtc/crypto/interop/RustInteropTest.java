package dev.mxrtc.crypto.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.DecryptedRoomEvent;
import dev.mxrtc.crypto.DecryptedToDevice;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.OlmFactory;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Olm and Megolm between this Java implementation and the Rust crypto matrix-js-sdk 43 ships (vodozemac inside
 * matrix-sdk-crypto-wasm), in both directions, with no homeserver: the test answers the Rust machine's
 * {@code /keys/query} and {@code /keys/claim} requests itself and hands events across.
 */
@Timeout(120)
class RustInteropTest {
    private static final String JAVA_USER = "@java:localhost";
    private static final String JAVA_DEVICE = "JAVADEV";
    private static final String RUST_USER = "@rust:localhost";
    private static final String RUST_DEVICE = "RUSTDEV";
    private static final String ROOM = "!room:localhost";

    private final OlmFactory factory = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
    private DeviceCrypto java;
    private RustPeer rust;
    private JsonNode rustKeys;
    private Device rustDevice;

    @BeforeEach
    void meet() throws Exception {
        java = factory.deviceCrypto(JAVA_USER, JAVA_DEVICE, factory.newAccount());
        rust = new RustPeer();
        rustKeys = rust.call(rust.command("init").put("userId", RUST_USER).put("deviceId", RUST_DEVICE));
        // the Rust device's self-signature verifies with our canonical JSON and Ed25519
        rustDevice = java.verifyDeviceKeys(rustKeys.get("deviceKeys").toString());
        ObjectNode add = rust.command("addDevice").put("userId", JAVA_USER);
        add.putArray("deviceKeys").add(rust.parse(java.deviceKeysJson()));
        rust.call(add);
    }

    @AfterEach
    void part() throws InterruptedException {
        if (rust != null) {
            rust.close();
        }
    }

    @Test
    void javaStartedOlmSessionDecryptsInRustAndBack() throws Exception {
        startJavaSession();
        JsonNode received = sendToRust(java.encryptToDevice(rustDevice, "org.mxrtc.test", "{\"n\":1,\"text\":\"héllo\"}"));
        assertEquals("org.mxrtc.test", received.path("type").asText());
        assertEquals(1, received.path("content").path("n").asInt());
        assertEquals("héllo", received.path("content").path("text").asText());

        // Rust answers on the session Java started: a normal (type 1) message Java decrypts
        JsonNode reply = rustEncryptToJava("org.mxrtc.reply", "{\"n\":2}");
        assertEquals(1, reply.path("ciphertext").path(java.identityKeys().curve25519()).path("type").asInt());
        DecryptedToDevice decrypted = java.decryptToDevice(RUST_USER, reply.toString());
        assertEquals("org.mxrtc.reply", decrypted.type());
        assertEquals(2, rust.parse(decrypted.contentJson()).path("n").asInt());
        assertEquals(rustDevice.keys().ed25519(), decrypted.senderEd25519());

        // and Java, having heard back, now sends normal messages Rust still decrypts
        String next = java.encryptToDevice(rustDevice, "org.mxrtc.test", "{\"n\":3}");
        assertEquals(1, rust.parse(next).path("ciphertext").path(rustDevice.keys().curve25519()).path("type").asInt());
        assertEquals(3, sendToRust(next).path("content").path("n").asInt());
    }

    @Test
    void rustStartedOlmSessionDecryptsInJavaAndReplaysAreRefused() throws Exception {
        claimJavaKeyForRust();
        JsonNode content = rustEncryptToJava("org.mxrtc.test", "{\"from\":\"rust\"}");
        assertEquals(0, content.path("ciphertext").path(java.identityKeys().curve25519()).path("type").asInt());
        DecryptedToDevice decrypted = java.decryptToDevice(RUST_USER, content.toString());
        assertEquals("rust", rust.parse(decrypted.contentJson()).path("from").asText());
        assertEquals(rustDevice.keys().curve25519(), decrypted.senderKey());

        CryptoException replay = assertThrows(CryptoException.class,
                () -> java.decryptToDevice(RUST_USER, content.toString()));
        assertEquals(Reason.REPLAY, replay.reason());
        // a payload whose sender is not the envelope's sender is refused
        JsonNode forged = rustEncryptToJava("org.mxrtc.test", "{\"from\":\"rust\"}");
        assertEquals(Reason.WRONG_SENDER, assertThrows(CryptoException.class,
                () -> java.decryptToDevice("@mallory:localhost", forged.toString())).reason());

        // Java replies on the session Rust started
        JsonNode back = sendToRust(java.encryptToDevice(rustDevice, "org.mxrtc.reply", "{\"ok\":true}"));
        assertTrue(back.path("content").path("ok").asBoolean());
    }

    @Test
    void javaMegolmRoomKeyDecryptsJavaRoomEventsInRust() throws Exception {
        startJavaSession();
        JsonNode key = sendToRust(java.encryptToDevice(rustDevice, "m.room_key", java.roomKeyContent(ROOM)));
        assertEquals("m.room_key", key.path("type").asText());
        for (int i = 0; i < 3; i++) {
            String content = java.encryptRoomEvent(ROOM, "m.room.message",
                    "{\"msgtype\":\"m.text\",\"body\":\"hello " + i + "\"}");
            ObjectNode decrypt = rust.command("decryptRoomEvent").put("roomId", ROOM);
            decrypt.set("event", roomEvent(JAVA_USER, "$java" + i, content));
            JsonNode result = rust.call(decrypt);
            assertEquals("hello " + i, result.path("event").path("content").path("body").asText());
            assertEquals("m.room.message", result.path("event").path("type").asText());
            assertEquals(java.identityKeys().curve25519(), result.path("senderCurve25519Key").asText());
            assertEquals(java.identityKeys().ed25519(), result.path("senderClaimedEd25519Key").asText());
        }
    }

    @Test
    void rustMegolmRoomKeyDecryptsRustRoomEventsInJava() throws Exception {
        claimJavaKeyForRust();
        ObjectNode share = rust.command("shareRoomKey").put("roomId", ROOM);
        share.putArray("users").add(JAVA_USER);
        JsonNode requests = rust.call(share).path("requests");
        JsonNode toJava = null;
        for (JsonNode request : requests) {
            if ("m.room.encrypted".equals(request.path("type").asText())) {
                toJava = request.path("messages").path(JAVA_USER).path(JAVA_DEVICE);
            }
        }
        assertNotNull(toJava, "Rust shared no room key with the Java device: " + requests);
        DecryptedToDevice roomKey = java.decryptToDevice(RUST_USER, toJava.toString());
        assertEquals("m.room_key", roomKey.type());
        String sessionId = java.acceptRoomKey(roomKey).orElseThrow();

        String lastContent = null;
        for (int i = 0; i < 3; i++) {
            ObjectNode encrypt = rust.command("encryptRoomEvent").put("roomId", ROOM).put("type", "m.room.message");
            encrypt.putObject("content").put("msgtype", "m.text").put("body", "from rust " + i);
            lastContent = rust.call(encrypt).get("content").toString();
            DecryptedRoomEvent event = java.decryptRoomEvent(ROOM, roomEvent(RUST_USER, "$rust" + i, lastContent)
                    .toString());
            assertEquals("from rust " + i, rust.parse(event.contentJson()).path("body").asText());
            assertEquals(sessionId, event.sessionId());
            assertEquals(i, event.messageIndex());
            assertEquals(rustDevice.keys().curve25519(), event.senderKey());
        }
        String replayed = roomEvent(RUST_USER, "$replayed", lastContent).toString();
        assertEquals(Reason.REPLAY, assertThrows(CryptoException.class,
                () -> java.decryptRoomEvent(ROOM, replayed)).reason());
        String otherRoom = roomEvent(RUST_USER, "$rust2", lastContent).toString();
        assertEquals(Reason.UNKNOWN_SESSION, assertThrows(CryptoException.class,
                () -> java.decryptRoomEvent("!other:localhost", otherRoom)).reason());
    }

    // ---- helpers

    private void startJavaSession() throws Exception {
        Map.Entry<String, JsonNode> otk = rustKeys.get("oneTimeKeys").fields().next();
        java.startSession(rustDevice, java.verifyOneTimeKey(rustDevice, otk.getValue().toString()));
    }

    private void claimJavaKeyForRust() throws Exception {
        JsonNode keys = rust.parse(java.oneTimeKeysJson(5));
        java.markKeysAsPublished();
        Iterator<Map.Entry<String, JsonNode>> it = keys.fields();
        Map.Entry<String, JsonNode> otk = it.next();
        ObjectNode claim = rust.command("claim").put("userId", JAVA_USER).put("deviceId", JAVA_DEVICE)
                .put("keyId", otk.getKey());
        claim.set("key", otk.getValue());
        assertTrue(rust.call(claim).path("claimed").asBoolean(), "Rust wanted no session");
    }

    private JsonNode rustEncryptToJava(String type, String contentJson) throws Exception {
        ObjectNode encrypt = rust.command("encryptToDevice").put("userId", JAVA_USER).put("deviceId", JAVA_DEVICE)
                .put("type", type);
        encrypt.set("content", rust.parse(contentJson));
        return rust.call(encrypt).get("content");
    }

    /** Delivers an encrypted to-device content to Rust; returns the decrypted event or fails with what Rust said. */
    private JsonNode sendToRust(String encryptedContent) throws Exception {
        ObjectNode receive = rust.command("receive");
        receive.putArray("events").addObject().put("type", "m.room.encrypted").put("sender", JAVA_USER)
                .set("content", rust.parse(encryptedContent));
        JsonNode events = rust.call(receive).path("events");
        assertEquals(1, events.size(), events.toString());
        assertEquals("Decrypted", events.get(0).path("kind").asText(), events.toString());
        return events.get(0).path("event");
    }

    private ObjectNode roomEvent(String sender, String eventId, String content) throws Exception {
        ObjectNode event = rust.command("event");
        event.remove("cmd");
        event.put("type", "m.room.encrypted").put("sender", sender).put("event_id", eventId)
                .put("origin_server_ts", 1_767_000_000_000L).put("room_id", ROOM).set("content", rust.parse(content));
        return event;
    }
}
