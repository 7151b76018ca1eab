package dev.mxrtc.bench.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.DecryptedToDevice;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.OlmFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The Java half: the same four operations as {@code interop-crypto/bench-crypto.mjs}, on {@link DeviceCrypto}
 * (the level the Rust binding's {@code OlmMachine} offers), between two in-memory devices in this JVM.
 *
 * <ul>
 *   <li>megolmEncrypt: {@code alice.encryptRoomEvent(room, "m.room.message", content)}</li>
 *   <li>megolmDecrypt: {@code bob.decryptRoomEvent(room, full event JSON)}</li>
 *   <li>olmEncrypt: {@code alice.encryptToDevice(bob, "m.bench", content)}</li>
 *   <li>olmDecrypt: {@code bob.decryptToDevice(alice, encrypted content)}</li>
 * </ul>
 * Each iteration encrypts {@code ops} messages, then decrypts them in order. Bob replied once during setup, so
 * Alice's Olm messages are normal (type 1) messages on one chain, as on the Rust side.
 */
final class JavaSide {
    static final String ROOM = "!bench:localhost";
    static final String ALICE = "@alice:localhost";
    static final String BOB = "@bob:localhost";

    private final ObjectMapper json = new ObjectMapper();
    private final DeviceCrypto alice;
    private final DeviceCrypto bob;
    private final Device bobDevice;
    private long eventNo;

    JavaSide() throws Exception {
        OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OlmFactory on the class path"));
        alice = olm.deviceCrypto(ALICE, "ALICEDEV", olm.newAccount());
        bob = olm.deviceCrypto(BOB, "BOBDEV", olm.newAccount());
        bobDevice = alice.verifyDeviceKeys(bob.deviceKeysJson());
        JsonNode keys = json.readTree(bob.oneTimeKeysJson(1));
        bob.markKeysAsPublished();
        alice.startSession(bobDevice, alice.verifyOneTimeKey(bobDevice, keys.elements().next().toString()));
        bob.decryptToDevice(ALICE, alice.encryptToDevice(bobDevice, "m.bench", "{\"n\":0}"));
        Device aliceDevice = bob.verifyDeviceKeys(alice.deviceKeysJson());
        alice.decryptToDevice(BOB, bob.encryptToDevice(aliceDevice, "m.bench", "{\"n\":0}"));
        DecryptedToDevice roomKey = bob.decryptToDevice(ALICE,
                alice.encryptToDevice(bobDevice, "m.room_key", alice.roomKeyContent(ROOM)));
        bob.acceptRoomKey(roomKey).orElseThrow(() -> new IllegalStateException("room key refused"));
    }

    /** One iteration at one payload size: ops/s of each operation, in {@link CryptoVsRust#OPS} order. */
    Map<String, Double> iteration(int size, int ops) throws CryptoException {
        String body = "x".repeat(size);
        String roomContent = "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}";
        String toDeviceContent = "{\"body\":\"" + body + "\"}";
        Map<String, Double> rates = new LinkedHashMap<>();
        String[] room = new String[ops];
        rates.put("megolmEncrypt", timed(ops, i -> room[i] = alice.encryptRoomEvent(ROOM, "m.room.message", roomContent)));
        String[] events = new String[ops];
        for (int i = 0; i < ops; i++) {
            events[i] = "{\"type\":\"m.room.encrypted\",\"sender\":\"" + ALICE + "\",\"event_id\":\"$e" + eventNo++
                    + "\",\"origin_server_ts\":1,\"room_id\":\"" + ROOM + "\",\"content\":" + room[i] + "}";
        }
        rates.put("megolmDecrypt", timed(ops, i -> check(i, size, bob.decryptRoomEvent(ROOM, events[i]).contentJson())));
        String[] toDevice = new String[ops];
        rates.put("olmEncrypt", timed(ops, i -> toDevice[i] = alice.encryptToDevice(bobDevice, "m.bench", toDeviceContent)));
        rates.put("olmDecrypt", timed(ops, i -> check(i, size, bob.decryptToDevice(ALICE, toDevice[i]).contentJson())));
        return rates;
    }

    /** The first plaintext of each batch is parsed and checked, as the node side does. */
    private void check(int i, int size, String contentJson) {
        if (i == 0) {
            try {
                if (json.readTree(contentJson).path("body").asText().length() != size) {
                    throw new IllegalStateException("wrong plaintext");
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private interface Op {
        void run(int i) throws CryptoException;
    }

    private static double timed(int ops, Op op) throws CryptoException {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            op.run(i);
        }
        return ops / ((System.nanoTime() - start) / 1e9);
    }
}
