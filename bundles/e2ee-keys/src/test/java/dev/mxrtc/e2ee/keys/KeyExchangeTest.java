package dev.mxrtc.e2ee.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.schemes.PerMemberScheme;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * Real parts end to end: the embedded dev homeserver over HTTP on 127.0.0.1, the real matrix client (sync loop), real
 * Olm ({@code DeviceCrypto}) and the per_member scheme. Only the session view is given by the test (the core that
 * computes it from membership events is another bundle; these members never send membership events).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class KeyExchangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOM = "!call:test.local";

    /** One mxrtc participant: matrix account, Olm device, key distribution. */
    private record Peer(String name, StandaloneClient account, DeviceCrypto crypto, KeyDistribution keys,
            Member member) {
        MatrixClient client() {
            return account.client();
        }
    }

    @TempDir
    static Path dir;
    private HomeserverMain homeserver;
    private PerMemberScheme scheme;
    private final List<Peer> peers = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeAll
    void start() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, log), true, StandardCharsets.UTF_8));
        homeserver = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")), "127.0.0.1", 0);
        scheme = PerMemberScheme.create(new PerMemberScheme.Settings(300, 10_000, 0, 16));
    }

    @AfterAll
    void stop() {
        peers.forEach(p -> {
            p.keys().close();
            p.account().close();
        });
        scheme.close();
        homeserver.close();
        System.setErr(originalErr);
    }

    private Peer peer(String name, long createdTs, long bufferExpiryMs) throws Exception {
        String url = "http://127.0.0.1:" + homeserver.port();
        StandaloneClient account = MatrixClients.open(ClientSettings.password(url, name, "pw-" + name, dir.resolve(name))
                .withDeviceId(name.toUpperCase() + "DEV").withRegister(true).withTimeouts(500, 10_000).withMaxRetries(3));
        OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
        MatrixClient client = account.client();
        DeviceCrypto crypto = olm.deviceCrypto(client.userId(), client.deviceId(), olm.newAccount());
        ObjectNode upload = JSON.createObjectNode();
        upload.set("device_keys", JSON.readTree(crypto.deviceKeysJson()));
        upload.set("one_time_keys", JSON.readTree(crypto.oneTimeKeysJson(20)));
        upload.set("fallback_keys", JSON.readTree(crypto.fallbackKeysJson()));
        client.uploadKeys(upload.toString());
        crypto.markKeysAsPublished();
        KeyDistribution keys = new KeyDistribution(client, crypto, Clock.systemUTC(),
                new KeyDistribution.Settings(dev.mxrtc.e2ee.KeyFormat.JS_SDK_TO_DEVICE, false, 16, bufferExpiryMs, 0));
        client.addSyncListener((user, batch) -> keys.onSync(batch));
        Member member = new Member(ROOM, SlotId.ROOM_CALL, client.userId(), client.deviceId(), "member-" + name,
                Application.of("m.call"), List.of(), List.of(), Optional.empty(), createdTs, createdTs + 3_600_000,
                MemberFormat.STICKY, "member-" + name, "$" + name);
        Peer p = new Peer(name, account, crypto, keys, member);
        peers.add(p);
        return p;
    }

    private static Session session(Peer... members) {
        return new Session(ROOM, SlotId.ROOM_CALL, java.util.Arrays.stream(members).map(Peer::member).toList(), 0,
                Optional.empty());
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void membersExchangeKeysOverOlmAndRotateWhenOneLeaves() throws Exception {
        Peer alice = peer("alice", 1, 60_000);
        Peer bob = peer("bob", 2, 60_000);
        Peer carol = peer("carol", 3, 60_000);
        Session all = session(alice, bob, carol);
        Keying a = alice.keys().join(all, alice.member(), scheme);
        Keying b = bob.keys().join(all, bob.member(), scheme);
        Keying c = carol.keys().join(all, carol.member(), scheme);

        MediaKey a0 = a.currentKey().orElseThrow();
        MediaKey b0 = b.currentKey().orElseThrow();
        MediaKey c0 = c.currentKey().orElseThrow();
        await("everyone has everyone's key 0", () -> b.keyOf(alice.member(), 0).isPresent()
                && c.keyOf(alice.member(), 0).isPresent() && a.keyOf(bob.member(), 0).isPresent()
                && c.keyOf(bob.member(), 0).isPresent() && a.keyOf(carol.member(), 0).isPresent()
                && b.keyOf(carol.member(), 0).isPresent());
        assertEquals(a0, b.keyOf(alice.member(), 0).orElseThrow());
        assertEquals(b0, a.keyOf(bob.member(), 0).orElseThrow());
        assertEquals(c0, a.keyOf(carol.member(), 0).orElseThrow());

        // carol leaves: alice and bob rotate, to each other only
        Session two = session(alice, bob);
        alice.keys().membersChanged(two);
        bob.keys().membersChanged(two);
        await("alice and bob have each other's key 1",
                () -> b.keyOf(alice.member(), 1).isPresent() && a.keyOf(bob.member(), 1).isPresent());
        await("the new keys are in use after the use delay",
                () -> a.currentKey().orElseThrow().index() == 1 && b.currentKey().orElseThrow().index() == 1);
        assertEquals(a.currentKey().orElseThrow(), b.keyOf(alice.member(), 1).orElseThrow());
        assertEquals(b.currentKey().orElseThrow(), a.keyOf(bob.member(), 1).orElseThrow());

        // carol keeps syncing; after a full round trip of a later message she still has no key 1
        c.close();
        Keying cAfter = carol.keys().join(all, carol.member(), scheme); // carol still thinks everyone is there
        await("carol synced past the rotation", () -> carol.client().sinceToken().isPresent());
        Thread.sleep(1_500); // several of carol's 500 ms long polls
        assertTrue(cAfter.keyOf(alice.member(), 1).isEmpty(), "the leaver must not get alice's new key");
        assertTrue(cAfter.keyOf(bob.member(), 1).isEmpty(), "the leaver must not get bob's new key");
        assertTrue(alice.keys().drops(ROOM).isEmpty(), "nothing dropped in a clean exchange: " + alice.keys().drops(ROOM));
        assertNoKeyInLogs(a0, b0, c0, a.currentKey().orElseThrow(), b.currentKey().orElseThrow());
    }

    @Test
    void forgedCleartextAndTamperedKeysAreDroppedAndLogged() throws Exception {
        Peer dana = peer("dana", 10, 1_000);
        Peer eve = peer("eve", 11, 60_000); // a real device, but not a member of dana's session
        Peer fred = peer("fred", 12, 60_000);
        Keying d = dana.keys().join(session(dana, fred), dana.member(), scheme);
        await("fred's device keys are known to dana", () -> true);

        // 1. eve sends a well-formed, Olm-encrypted js-sdk key: buffered, then dropped as no member after the expiry
        eve.keys().join(session(dana, eve), eve.member(), scheme);
        await("eve's key dropped as not a member", () -> {
            dana.keys().onSync(emptyBatch()); // the gate expires buffered keys on each sync
            return dana.keys().drops(ROOM).getOrDefault(DropReason.NOT_A_MEMBER, 0) >= 1;
        });
        assertTrue(d.keyOf(eve.member(), 0).isEmpty());

        // 2. a cleartext key event
        String clear = KeyCodec.jsSdkToDevice(ROOM, "EVEDEV", "member-eve", new MediaKey(7, new byte[16]), 1);
        eve.client().sendToDevice("io.element.call.encryption_keys",
                Map.of(dana.client().userId(), Map.of(dana.client().deviceId(), clear)), Optional.empty());
        await("cleartext dropped", () -> dana.keys().drops(ROOM).getOrDefault(DropReason.CLEARTEXT, 0) >= 1);

        // 3. a tampered Olm ciphertext from fred, a member
        Device danaDevice = fred.crypto().verifyDeviceKeys(
                JSON.readTree(fred.client().queryKeys("{\"device_keys\":{\"" + dana.client().userId() + "\":[]}}"))
                        .path("device_keys").path(dana.client().userId()).path(dana.client().deviceId()).toString());
        // fred already has a session to dana? make sure by sending fred's real key first
        Keying f = fred.keys().join(session(dana, fred), fred.member(), scheme);
        await("fred's key reached dana", () -> d.keyOf(fred.member(), 0).isPresent());
        String sealed = fred.crypto().encryptToDevice(danaDevice, "io.element.call.encryption_keys",
                KeyCodec.jsSdkToDevice(ROOM, "FREDDEV", "member-fred", new MediaKey(9, new byte[16]), 5));
        ObjectNode tampered = (ObjectNode) JSON.readTree(sealed);
        ObjectNode ciphertext = (ObjectNode) tampered.path("ciphertext").path(danaDevice.keys().curve25519());
        String body = ciphertext.path("body").asText();
        char flipped = body.charAt(20) == 'A' ? 'B' : 'A';
        ciphertext.put("body", body.substring(0, 20) + flipped + body.substring(21));
        fred.client().sendToDevice("m.room.encrypted",
                Map.of(dana.client().userId(), Map.of(dana.client().deviceId(), tampered.toString())), Optional.empty());
        await("tampered ciphertext rejected",
                () -> dana.keys().drops(ROOM).getOrDefault(DropReason.UNDECRYPTABLE, 0) >= 1);
        assertTrue(d.keyOf(fred.member(), 9).isEmpty());
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("dropped: NOT_A_MEMBER"), "the drop is logged with its reason");
        assertTrue(logged.contains("dropped: CLEARTEXT"));
        assertTrue(logged.contains("dropped: UNDECRYPTABLE"));
        assertNoKeyInLogs(d.currentKey().orElseThrow(), f.currentKey().orElseThrow(),
                d.keyOf(fred.member(), 0).orElseThrow());
    }

    private static dev.mxrtc.matrix.SyncBatch emptyBatch() {
        return new dev.mxrtc.matrix.SyncBatch(Optional.empty(), "x", Map.of(), java.util.Set.of(), List.of(),
                dev.mxrtc.matrix.SyncBatch.DeviceLists.EMPTY, Map.of(), Optional.empty());
    }

    private void assertNoKeyInLogs(MediaKey... keys) {
        String logged = log.toString(StandardCharsets.UTF_8);
        assertFalse(logged.isEmpty(), "logs were captured");
        for (MediaKey k : keys) {
            String padded = Base64.getEncoder().encodeToString(k.key());
            String unpadded = Base64.getEncoder().withoutPadding().encodeToString(k.key());
            assertFalse(logged.contains(unpadded), "key material in the logs (index " + k.index() + ")");
            assertFalse(logged.contains(padded));
            assertFalse(logged.contains(java.util.HexFormat.of().formatHex(k.key())));
        }
    }

    /** Copies what is written to stderr (where slf4j-simple logs) into a buffer. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
