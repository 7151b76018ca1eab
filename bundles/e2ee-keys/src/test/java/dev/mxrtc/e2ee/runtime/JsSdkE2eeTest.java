package dev.mxrtc.e2ee.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.e2ee.schemes.PerMemberScheme;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.CreateRoom;

/**
 * The acceptance test of end-to-end encryption: matrix-js-sdk 43 with its Rust crypto (two node processes, each its
 * own device, {@code joinRoomSession} with {@code manageMediaKeys}) and an mxrtc member (Java: real client, real
 * core, H2-kept {@code DeviceCrypto}, {@link E2eeRuntime}, {@code per_member}) in one encrypted MatrixRTC session on
 * the embedded homeserver. Every member receives and accepts every other member's media key over Olm to-device;
 * when the second js-sdk member leaves, the two remaining members rotate and the leaver receives neither new key.
 */
@Timeout(180)
class JsSdkE2eeTest {

    @TempDir
    Path dir;
    private HomeserverMain homeserver;
    private PerMemberScheme scheme;
    private JavaMember bot;
    private JsPeer alice;
    private JsPeer bob;
    private final byte[] storeKey = new byte[32];
    private final OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();

    @BeforeEach
    void start() throws Exception {
        homeserver = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")), "127.0.0.1", 0);
        scheme = PerMemberScheme.create(new PerMemberScheme.Settings(1_000, 10_000, 0, 16));
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alice, bob, bot, scheme == null ? null : scheme::close, homeserver}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    /**
     * The shared set-up: two js-sdk peers and the mxrtc member in one encrypted room's MatrixRTC session, the core
     * seeing three members and keying ours.
     *
     * @return the room id
     */
    private String threeMembersInAnEncryptedCall() throws Exception {
        String url = "http://127.0.0.1:" + homeserver.port();
        Path interop = JsPeer.interopDir();
        alice = JsPeer.start(interop, url, "alice", "ALICEDEV");
        bob = JsPeer.start(interop, url, "bob", "BOBDEV");
        new SecureRandom().nextBytes(storeKey);
        bot = new JavaMember(url, "mxbot", "MXBOTDEV", dir.resolve("bot"), storeKey, olm, scheme);

        // an encrypted room (Rust crypto only tracks the devices of members of encrypted rooms)
        String room = bot.client().createRoom(new CreateRoom(Optional.empty(), Optional.of("call"), Optional.empty(),
                Optional.empty(), List.of("@alice:test.local", "@bob:test.local"),
                List.of(new CreateRoom.InitialState("m.room.encryption", "",
                        "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}")),
                Optional.empty(), Optional.empty(), false));
        alice.send("{\"cmd\":\"join\",\"room\":\"" + room + "\"}");
        bob.send("{\"cmd\":\"join\",\"room\":\"" + room + "\"}");
        alice.await(l -> "joined".equals(l.path("type").asText()), 30_000, "joined");
        bob.await(l -> "joined".equals(l.path("type").asText()), 30_000, "joined");
        // js-sdk 43 marks its key as shared with every joiner it tried, even a device that Rust crypto skipped as
        // "unknown device" because the /keys/query for it had not answered within Rust's wait (about 5 s, reached under
        // load); that device would get the key only at the next rotation. So mxrtc publishes its membership once both
        // js peers hold its device keys (see src/test/node/devices-command.mjs).
        alice.awaitDeviceKnown(bot.userId, bot.deviceId, 60_000);
        bob.awaitDeviceKnown(bot.userId, bot.deviceId, 60_000);
        bot.join(room);
        await("mxrtc's core sees three members and keys our participation", () -> bot.session(room)
                .map(s -> s.members().size() == 3).orElse(false) && bot.runtime.keying(room).isPresent(), 30_000);
        return room;
    }

    @Test
    void jsSdkAndMxrtcExchangeMediaKeysAndRotateWithoutTheLeaver() throws Exception {
        String room = threeMembersInAnEncryptedCall();
        Member aliceMember = bot.member(room, "@alice:test.local").orElseThrow();
        Member bobMember = bot.member(room, "@bob:test.local").orElseThrow();
        Keying keying = bot.runtime.keying(room).orElseThrow();
        MediaKey botKey0 = keying.currentKey().orElseThrow();

        // js-sdk -> mxrtc: the keys alice and bob use now reached the Java member over Olm
        // the keys alice and bob use at the time of the check: a join after js-sdk's 10 s grace makes them rotate
        await("mxrtc has alice's and bob's current keys", () -> matches(keying, aliceMember, latestOwnKey(alice))
                && matches(keying, bobMember, latestOwnKey(bob)), 30_000,
                () -> explain(keying, aliceMember, bobMember));
        JsonNode aliceOwn = latestOwnKey(alice);
        // mxrtc -> js-sdk: js-sdk's RTCEncryptionManager accepted the Java member's key (EncryptionKeyChanged)
        String botKey0Text = b64(botKey0);
        for (JsPeer js : List.of(alice, bob)) {
            js.await(l -> isKey(l, bot.userId, botKey0.index(), botKey0Text), 30_000, "the mxrtc key index "
                    + botKey0.index());
        }

        // bob leaves: alice and mxrtc rotate, to each other only
        bob.send("{\"cmd\":\"leave\"}");
        bob.await(l -> "left".equals(l.path("type").asText()), 30_000, "left");
        await("mxrtc's core sees bob leave", () -> bot.session(room).map(s -> s.members().size() == 2).orElse(false),
                30_000);
        await("mxrtc uses a new key after the use delay",
                () -> keying.currentKey().orElseThrow().index() != botKey0.index(), 30_000);
        MediaKey botKey1 = keying.currentKey().orElseThrow();
        assertEquals((botKey0.index() + 1) % 256, botKey1.index());
        assertNotEquals(botKey0, botKey1);
        String botKey1Text = b64(botKey1);
        alice.await(l -> isKey(l, bot.userId, botKey1.index(), botKey1Text), 30_000, "the rotated mxrtc key");
        JsonNode aliceNew = alice.await(l -> "key".equals(l.path("type").asText()) && l.path("own").asBoolean()
                && l.path("index").asInt() == aliceOwn.path("index").asInt() + 1, 30_000, "alice's rotated key");
        await("mxrtc has alice's rotated key", () -> matches(keying, aliceMember, aliceNew), 30_000);

        // the leaver keeps syncing; give it time, then check that neither new key reached its device at all
        Thread.sleep(3_000);
        String aliceNewText = aliceNew.path("key").asText();
        for (JsonNode l : bob.lines()) {
            String key = l.path("key").asText("");
            assertFalse(key.equals(botKey1Text) || key.equals(aliceNewText), "the leaver got a new key: " + l);
        }
        assertTrue(bob.lines().stream().anyMatch(l -> "to_device_key".equals(l.path("type").asText())
                && l.path("sender").asText().equals(bot.userId)), "bob did receive mxrtc's earlier key over to-device");
        assertTrue(bot.runtime.distribution().drops(room).isEmpty(), "nothing dropped: "
                + bot.runtime.distribution().drops(room));
    }

    /**
     * The mxrtc member restarts (client, core, crypto store and runtime closed and opened again on the same files)
     * while in the session. The Rust peer's next key arrives on the Olm session made before the restart and is
     * decrypted with the restored session; the restarted member's own new key reaches js-sdk the same way.
     */
    @Test
    void aRestartedMxrtcMemberKeepsDecryptingTheRustPeersOlmSession() throws Exception {
        String room = threeMembersInAnEncryptedCall();
        Member aliceMember = bot.member(room, "@alice:test.local").orElseThrow();
        await("mxrtc has alice's key before the restart",
                () -> matches(bot.runtime.keying(room).orElseThrow(), aliceMember, latestOwnKey(alice)), 30_000,
                () -> explain(bot.runtime.keying(room).orElseThrow(), aliceMember));

        JsonNode aliceOwn = latestOwnKey(alice);
        // Both sides start Olm sessions at once when the call begins, so a pair can end up with two; wait until no
        // session has been added for 3 s before counting, so only sessions the restart itself needed are counted.
        int sessionsBefore = stableSessionCount(bot, 3_000, 30_000);
        assertTrue(sessionsBefore >= 2, "Olm sessions with both js-sdk devices were stored: " + sessionsBefore);
        bot.close(); // the process ends; the membership stays in the room (as after a crash)
        bot = new JavaMember("http://127.0.0.1:" + homeserver.port(), "mxbot", "MXBOTDEV", dir.resolve("bot"),
                storeKey, olm, scheme);
        await("the restarted member keys the session again", () -> bot.runtime.keying(room).isPresent()
                && bot.session(room).map(s -> s.members().size() == 3).orElse(false), 30_000);
        Keying keying = bot.runtime.keying(room).orElseThrow();
        MediaKey fresh = keying.currentKey().orElseThrow();
        String freshText = b64(fresh);
        alice.await(l -> isKey(l, bot.userId, fresh.index(), freshText), 30_000,
                "the restarted member's key, sent on the restored Olm session");

        bob.send("{\"cmd\":\"leave\"}"); // alice rotates and sends her new key to mxrtc over the old Olm session
        JsonNode aliceNew = alice.await(l -> "key".equals(l.path("type").asText()) && l.path("own").asBoolean()
                && l.path("index").asInt() == aliceOwn.path("index").asInt() + 1, 30_000, "alice's rotated key");
        await("the restarted member decrypted alice's rotated key", () -> matches(keying, aliceMember, aliceNew),
                30_000);
        assertEquals(sessionsBefore, bot.olmSessionsStored(),
                "no new Olm session was needed after the restart: the restored ones carried the keys both ways");
        assertTrue(bot.runtime.distribution().drops(room).isEmpty(), "nothing undecryptable after the restart: "
                + bot.runtime.distribution().drops(room));
    }

    /** The stored Olm session count once it has not changed for {@code quietMs} (bounded by {@code maxMs}). */
    private static int stableSessionCount(JavaMember member, long quietMs, long maxMs) throws Exception {
        long deadline = System.currentTimeMillis() + maxMs;
        int count = member.olmSessionsStored();
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            int now = member.olmSessionsStored();
            if (now != count) {
                count = now;
                since = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - since >= quietMs) {
                return count;
            }
        }
        throw new AssertionError("the Olm session count kept changing for " + maxMs + " ms: " + count);
    }

    /** The own key the js peer reported last (null before its first). */
    private static JsonNode latestOwnKey(JsPeer js) {
        JsonNode latest = null;
        for (JsonNode l : js.lines()) {
            if ("key".equals(l.path("type").asText()) && l.path("own").asBoolean()) {
                latest = l;
            }
        }
        return latest;
    }


    private static boolean matches(Keying keying, Member from, JsonNode jsKey) {
        return jsKey != null && keying.keyOf(from, jsKey.path("index").asInt()).map(JsSdkE2eeTest::b64)
                .filter(k -> k.equals(jsKey.path("key").asText())).isPresent();
    }

    private static boolean isKey(JsonNode l, String user, int index, String key) {
        return "key".equals(l.path("type").asText()) && user.equals(l.path("user_id").asText())
                && l.path("index").asInt() == index && key.equals(l.path("key").asText());
    }

    private static String b64(MediaKey k) {
        return Base64.getEncoder().encodeToString(k.key());
    }

    /** What each side holds and logged, for a failed key wait (test keys only; the product never logs keys). */
    private String explain(Keying keying, Member... members) {
        StringBuilder b = new StringBuilder();
        for (Member m : members) {
            b.append("\nmxrtc holds for ").append(m.userId()).append(':');
            for (int i = 0; i < 4; i++) {
                int index = i;
                keying.keyOf(m, i).ifPresent(k -> b.append(" [").append(index).append("] ").append(b64(k)));
            }
        }
        b.append("\nmxrtc drops: ").append(bot.runtime.distribution().drops(members[0].roomId()));
        for (JsPeer js : List.of(alice, bob)) {
            b.append("\n--- ").append(js).append(" reported:");
            js.lines().stream().filter(l -> !"ready".equals(l.path("type").asText()))
                    .forEach(l -> b.append("\n  ").append(l));
            b.append("\n--- its stderr tail:\n").append(js.stderrTail());
        }
        return b.toString();
    }

    private static void await(String what, BooleanSupplier done, long timeoutMs) throws InterruptedException {
        await(what, done, timeoutMs, () -> "");
    }

    private static void await(String what, BooleanSupplier done, long timeoutMs, Supplier<String> explain)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeoutMs + " ms: " + what + explain.get());
            }
            Thread.sleep(20);
        }
    }
}
