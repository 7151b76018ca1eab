package dev.mxrtc.crypto.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.OlmFactory;

/**
 * A device kept in the H2 store ({@link CryptoStore#openDevice}) is restarted (store closed, a new store and a new
 * {@code DeviceCrypto} opened on the same file) between two messages of a peer on the same Olm session, and between
 * two room events of the same Megolm session; it decrypts both second messages.
 */
@Timeout(30)
class DeviceRestartTest {

    private static final String ROOM = "!room:test.local";
    private static final String BOB = "@bob:test.local";
    private final OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] key = new byte[32];

    @TempDir
    Path dir;

    DeviceRestartTest() {
        new SecureRandom().nextBytes(key);
    }

    @Test
    void aRestartedDeviceKeepsDecryptingItsOlmAndMegolmSessions() throws Exception {
        DeviceCrypto alice = olm.deviceCrypto("@alice:test.local", "ALICE", olm.newAccount());
        Device bobDevice;
        String first;
        String roomEvent1;
        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            DeviceCrypto bob = store.openDevice(BOB, "BOB");
            bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
            JsonNode otks = json.readTree(bob.oneTimeKeysJson(5));
            bob.markKeysAsPublished();
            alice.startSession(bobDevice, alice.verifyOneTimeKey(bobDevice, otks.elements().next().toString()));
            first = alice.encryptToDevice(bobDevice, "io.element.call.encryption_keys", "{\"n\":1}");
            assertEquals("{\"n\":1}", bob.decryptToDevice("@alice:test.local", first).contentJson());
            bob.acceptRoomKey(bob.decryptToDevice("@alice:test.local",
                    alice.encryptToDevice(bobDevice, "m.room_key", alice.roomKeyContent(ROOM))));
            roomEvent1 = event("$1", alice.encryptRoomEvent(ROOM, "m.room.message", "{\"body\":\"one\"}"));
            assertEquals("{\"body\":\"one\"}", bob.decryptRoomEvent(ROOM, roomEvent1).contentJson());
        } // the process ends: nothing of bob survives but the file

        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            DeviceCrypto bob = store.openDevice(BOB, "BOB");
            assertEquals(bobDevice.keys(), bob.identityKeys(), "the same account, not a new one");
            String second = alice.encryptToDevice(bobDevice, "io.element.call.encryption_keys", "{\"n\":2}");
            assertEquals(0, json.readTree(second).path("ciphertext").elements().next().path("type").asInt(),
                    "still a pre-key message of the same session: alice has not heard back yet");
            assertEquals("{\"n\":2}", bob.decryptToDevice("@alice:test.local", second).contentJson());
            String roomEvent2 = event("$2", alice.encryptRoomEvent(ROOM, "m.room.message", "{\"body\":\"two\"}"));
            assertEquals("{\"body\":\"two\"}", bob.decryptRoomEvent(ROOM, roomEvent2).contentJson());
            // bob answers on the restored session; alice's next message is a normal one, decrypted after restart 2
            Device aliceDevice = bob.verifyDeviceKeys(alice.deviceKeysJson());
            alice.decryptToDevice(BOB, bob.encryptToDevice(aliceDevice, "t", "{\"ack\":true}"));
            assertTrue(bob.hasSession(aliceDevice));
        }
        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            DeviceCrypto bob = store.openDevice(BOB, "BOB");
            String third = alice.encryptToDevice(bobDevice, "t", "{\"n\":3}");
            assertEquals(1, json.readTree(third).path("ciphertext").elements().next().path("type").asInt());
            assertEquals("{\"n\":3}", bob.decryptToDevice("@alice:test.local", third).contentJson());
            // the first pre-key message cannot be replayed into a second session: its one-time key stayed used up
            assertThrows(CryptoException.class, () -> bob.decryptToDevice("@alice:test.local", first));
        }
    }

    @Test
    void aDeviceWithoutTheStoreCannotDecryptTheSecondMessage() throws Exception {
        // control: the same account restored without its sessions fails, so the test above measures the sessions
        DeviceCrypto alice = olm.deviceCrypto("@alice:test.local", "ALICE", olm.newAccount());
        Device bobDevice;
        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            DeviceCrypto bob = store.openDevice(BOB, "BOB");
            bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
            JsonNode otks = json.readTree(bob.oneTimeKeysJson(1));
            bob.markKeysAsPublished();
            alice.startSession(bobDevice, alice.verifyOneTimeKey(bobDevice, otks.elements().next().toString()));
            bob.decryptToDevice("@alice:test.local", alice.encryptToDevice(bobDevice, "t", "{}"));
            Device aliceDevice = bob.verifyDeviceKeys(alice.deviceKeysJson());
            alice.decryptToDevice(BOB, bob.encryptToDevice(aliceDevice, "t", "{}"));
        }
        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            DeviceCrypto amnesiac = olm.deviceCrypto(BOB, "BOB", store.loadAccount(BOB, "BOB").orElseThrow());
            String second = alice.encryptToDevice(bobDevice, "t", "{\"n\":2}");
            assertThrows(CryptoException.class, () -> amnesiac.decryptToDevice("@alice:test.local", second));
        }
    }

    private static String event(String id, String content) {
        return "{\"event_id\":\"" + id + "\",\"content\":" + content + "}";
    }
}
