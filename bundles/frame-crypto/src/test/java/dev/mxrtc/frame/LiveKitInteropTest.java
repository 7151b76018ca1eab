package dev.mxrtc.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with livekit-client's own E2EE code: {@code interop-livekit/driver.mjs} loads the package's shipped
 * worker ({@code livekit-client/e2ee-worker}: FrameCryptor, ParticipantKeyHandler) in node and its key import
 * utilities ({@code createKeyMaterialFromBuffer}/{@code FromString}), and runs fake encoded frames through the
 * worker's encode/decode transforms. Frames go both ways: Java encrypts, livekit-client decrypts, and back,
 * for audio and VP8 key/delta frames, with ratcheted keys on either side and the shared-password mode.
 * Needs node and npm; without them the test fails.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LiveKitInteropTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of("../../interop-livekit").toAbsolutePath().normalize();

    private static final KeyMaterial KEY_A = new KeyMaterial(bytes(32, 1));
    private static final KeyMaterial KEY_B = new KeyMaterial(bytes(32, 77));

    @TempDir
    Path tmp;

    @BeforeAll
    static void installLiveKit() throws Exception {
        if (!Files.isDirectory(PROJECT.resolve("node_modules/livekit-client"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    private record Plain(LiveKitFrame frame, String kind, String codec) {
    }

    /** An Opus-like audio frame, a VP8 key frame and a VP8 delta frame. */
    private static List<Plain> media(long ssrcBase, long ts) {
        return List.of(
                new Plain(new LiveKitFrame(LiveKitFrameType.AUDIO, ssrcBase, ts, bytes(120, 3)), "audio", null),
                new Plain(new LiveKitFrame(LiveKitFrameType.VP8_KEY, ssrcBase + 1, ts * 2, bytes(4000, 5)), "key", "vp8"),
                new Plain(new LiveKitFrame(LiveKitFrameType.VP8_DELTA, ssrcBase + 1, ts * 2 + 3000, bytes(900, 9)), "delta", "vp8"));
    }

    private static ObjectNode task(String op, String participant, List<Plain> frames, List<byte[]> data) {
        ObjectNode t = JSON.createObjectNode();
        t.put("op", op).put("participant", participant);
        ArrayNode fs = t.putArray("frames");
        for (int i = 0; i < frames.size(); i++) {
            Plain p = frames.get(i);
            ObjectNode f = fs.addObject().put("kind", p.kind()).put("ssrc", p.frame().ssrc())
                    .put("timestamp", p.frame().rtpTimestamp()).put("hex", HEX.formatHex(data.get(i)));
            if (p.codec() != null) {
                f.put("codec", p.codec());
            }
        }
        return t;
    }

    private static ObjectNode withKey(ObjectNode task, int index, KeyMaterial key) {
        task.withArray("keys").addObject().put("index", index).put("hex", HEX.formatHex(key.bytes()));
        return task;
    }

    private static List<byte[]> plaintexts(List<Plain> frames) {
        return frames.stream().map(p -> p.frame().data()).toList();
    }

    private static List<byte[]> encryptAll(LiveKitFrameCipher cipher, List<Plain> frames) {
        return frames.stream().map(p -> cipher.encrypt(p.frame())).toList();
    }

    @Test
    void framesCrossBetweenJavaAndLiveKitClientBothWays() throws Exception {
        // Java -> livekit-client, key index 0, no ratchet
        List<Plain> m1 = media(1000, 48_000);
        LiveKitFrameCipher javaSender = FrameCrypto.liveKit();
        javaSender.setKey(0, KEY_A);
        ObjectNode t0 = withKey(task("decrypt", "java-plain", m1, encryptAll(javaSender, m1)), 0, KEY_A);

        // Java -> livekit-client, key index 5: livekit-client holds the base key; the Java sender ratchets once
        // before the audio and VP8 key frame and once more before the delta frame. livekit-client's receiver
        // follows one step per frame: each retry of its decryptFrame ratchets again from the stored material,
        // so a gap of two steps is beyond it whatever its ratchetWindowSize (2.23.0).
        List<Plain> m2 = media(2000, 96_000);
        LiveKitFrameCipher javaRatcheted = FrameCrypto.liveKit();
        javaRatcheted.setKey(5, KEY_B);
        javaRatcheted.ratchet(5);
        List<byte[]> m2wire = new ArrayList<>(encryptAll(javaRatcheted, m2.subList(0, 2)));
        javaRatcheted.ratchet(5);
        m2wire.add(javaRatcheted.encrypt(m2.get(2).frame()));
        ObjectNode t1 = withKey(task("decrypt", "java-ratcheted", m2, m2wire), 5, KEY_B);

        // Java -> livekit-client with the wrong key: must not decrypt (shows the check can fail)
        ObjectNode t2 = withKey(task("decrypt", "java-wrong", m1.subList(0, 1),
                encryptAll(javaSender, m1.subList(0, 1))), 0, KEY_B);

        // livekit-client -> Java, index 0, and index 7 after two sender ratchets in livekit-client (the Java
        // receiver tries up to its ratchet window, 10 steps, from the key it holds)
        List<Plain> m3 = media(3000, 144_000);
        ObjectNode t3 = withKey(task("encrypt", "lk-plain", m3, plaintexts(m3)), 0, KEY_A);
        List<Plain> m4 = media(4000, 192_000);
        ObjectNode t4 = withKey(task("encrypt", "lk-ratcheted", m4, plaintexts(m4)), 7, KEY_B);
        t4.put("currentIndex", 7).put("senderRatchets", 2);

        JsonNode result = runDriver(List.of(t0, t1, t2, t3, t4));

        assertDecryptedByLiveKit(result.get(0), m1);
        assertDecryptedByLiveKit(result.get(1), m2);
        assertTrue(result.get(2).get("frames").get(0).isNull(), "livekit-client decrypted with the wrong key");

        LiveKitFrameCipher javaReceiver = FrameCrypto.liveKit();
        javaReceiver.setKey(0, KEY_A);
        assertDecryptedByJava(javaReceiver, result.get(3), m3, 0);
        LiveKitFrameCipher javaRatchetingReceiver = FrameCrypto.liveKit();
        javaRatchetingReceiver.setKey(7, KEY_B);
        assertDecryptedByJava(javaRatchetingReceiver, result.get(4), m4, 7);

        // the same livekit frames under a receiver that may not ratchet: rejected, not garbage
        LiveKitFrameCipher noRatchet = FrameCrypto.liveKit(0);
        noRatchet.setKey(7, KEY_B);
        byte[] lkFrame = HEX.parseHex(result.get(4).get("frames").get(0).asText());
        FrameResult.Rejected r = assertInstanceOf(FrameResult.Rejected.class, noRatchet.decrypt(
                new LiveKitFrame(LiveKitFrameType.AUDIO, 4000, 192_000, lkFrame)));
        assertEquals(FrameResult.Reason.AUTHENTICATION_FAILED, r.reason());
    }

    @Test
    void sharedPasswordModeCrossesBothWays() throws Exception {
        String password = "correct horse battery staple";
        List<Plain> m1 = media(5000, 48_000).subList(0, 2);
        LiveKitFrameCipher javaSender = FrameCrypto.liveKit();
        javaSender.setSharedPassword(2, password);
        ObjectNode t0 = task("decrypt", "pw-java", m1, encryptAll(javaSender, m1)).put("sharedKey", true);
        t0.withArray("keys").addObject().put("index", 2).put("password", password);

        List<Plain> m2 = media(6000, 96_000).subList(0, 2);
        ObjectNode t1 = task("encrypt", "pw-lk", m2, plaintexts(m2)).put("sharedKey", true)
                .put("currentIndex", 2).put("senderRatchets", 1);
        t1.withArray("keys").addObject().put("index", 2).put("password", password);

        JsonNode result = runDriver(List.of(t0, t1));
        assertDecryptedByLiveKit(result.get(0), m1);
        LiveKitFrameCipher javaReceiver = FrameCrypto.liveKit();
        javaReceiver.setSharedPassword(2, password);
        assertDecryptedByJava(javaReceiver, result.get(1), m2, 2);
    }

    private static void assertDecryptedByLiveKit(JsonNode task, List<Plain> expected) {
        JsonNode frames = task.get("frames");
        assertEquals(expected.size(), frames.size());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(frames.get(i).isTextual(), "livekit-client dropped frame " + i + ": " + task.get("errors"));
            assertArrayEquals(expected.get(i).frame().data(), HEX.parseHex(frames.get(i).asText()),
                    "frame " + i + " (" + expected.get(i).kind() + ")");
        }
    }

    private static void assertDecryptedByJava(LiveKitFrameCipher receiver, JsonNode task, List<Plain> sent,
                                              int keyIndex) {
        JsonNode frames = task.get("frames");
        assertEquals(sent.size(), frames.size(), "livekit-client errors: " + task.get("errors"));
        for (int i = 0; i < sent.size(); i++) {
            assertNotNull(frames.get(i).textValue(), "livekit-client did not encrypt frame " + i + ": " + task.get("errors"));
            LiveKitFrame plain = sent.get(i).frame();
            byte[] wire = HEX.parseHex(frames.get(i).asText());
            int clear = plain.type().clearBytes();
            // layout: clear header ‖ ct ‖ tag(16) ‖ IV(12) ‖ 0x0C ‖ key index; IV starts with SSRC ‖ timestamp
            assertEquals(clear + plain.data().length - clear + 16 + 12 + 2, wire.length);
            assertArrayEquals(Arrays.copyOf(plain.data(), clear), Arrays.copyOf(wire, clear));
            assertEquals(12, wire[wire.length - 2]);
            assertEquals(keyIndex, wire[wire.length - 1] & 0xff);
            byte[] ivPrefix = Arrays.copyOfRange(wire, wire.length - 14, wire.length - 6);
            assertEquals(plain.ssrc(), java.nio.ByteBuffer.wrap(ivPrefix).getInt() & 0xFFFF_FFFFL);
            assertEquals(plain.rtpTimestamp(), java.nio.ByteBuffer.wrap(ivPrefix, 4, 4).getInt() & 0xFFFF_FFFFL);

            FrameResult res = receiver.decrypt(new LiveKitFrame(plain.type(), plain.ssrc(), plain.rtpTimestamp(), wire));
            FrameResult.Decrypted d = assertInstanceOf(FrameResult.Decrypted.class, res, "frame " + i + ": " + res);
            assertArrayEquals(plain.data(), d.frame(), "frame " + i);
            assertEquals(keyIndex, d.keyId());
        }
    }

    private JsonNode runDriver(List<ObjectNode> tasks) throws Exception {
        Path job = tmp.resolve("job.json");
        Path out = tmp.resolve("result.json");
        ObjectNode root = JSON.createObjectNode();
        root.putArray("tasks").addAll(tasks);
        JSON.writeValue(job.toFile(), root);
        run(List.of("node", "driver.mjs", job.toString(), out.toString()), 180);
        JsonNode result = JSON.readTree(out.toFile()).get("tasks");
        assertEquals(tasks.size(), result.size());
        return result;
    }

    private static void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("interop-livekit", ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            fail("cannot run " + command + " (node and npm are required for the LiveKit interop test)", e);
            return;
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(command + " timed out after " + timeoutSeconds + " s:\n" + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                fail(command + " exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
