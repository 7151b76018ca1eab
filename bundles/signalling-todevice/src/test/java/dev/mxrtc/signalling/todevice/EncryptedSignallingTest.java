package dev.mxrtc.signalling.todevice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.spi.SignallingTransport.Message;
import dev.mxrtc.api.spi.SignallingTransport.Peer;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.keys.KeyDistribution;
import dev.mxrtc.e2ee.runtime.E2eeRuntime;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.matrix.ToDeviceEvent;

/**
 * Olm-encrypted to-device signalling between two Java endpoints over the real embedded homeserver (127.0.0.1,
 * ephemeral port): real clients with their sync loops, real Olm devices, the real E2EE runtime (the one decrypter)
 * and {@link OlmCipher} as the DS wiring would connect them. The wire is read raw: every to-device event the
 * homeserver delivers to the receiving account is recorded by a second sync listener before anything decrypts it.
 */
@Timeout(90)
class EncryptedSignallingTest {

    private static final String ROOM = "!call:test.local";

    @TempDir
    Path dir;
    private HomeserverMain hs;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;

    /** An endpoint: account, E2EE runtime (or none), transport, what its receivers got, what the homeserver delivered. */
    private record Endpoint(StandaloneClient account, E2eeRuntime runtime, ToDeviceSignalling sig,
            List<Object[]> got, List<ToDeviceEvent> wire) {
        String user() {
            return account.client().userId();
        }
    }

    @BeforeEach
    void start() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
        hs = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing
            }
        }
        hs.close();
        System.setErr(originalErr);
    }

    private Endpoint endpoint(String name, String device, boolean e2ee, boolean require) throws Exception {
        StandaloneClient account = MatrixClients.open(ClientSettings.password("http://127.0.0.1:" + hs.port(), name,
                "pw-" + name, dir.resolve(name)).withDeviceId(device).withRegister(true).withTimeouts(500, 10_000)
                .withMaxRetries(2));
        closing.add(account);
        List<ToDeviceEvent> wire = new CopyOnWriteArrayList<>();
        closing.add(account.client().addSyncListener((u, batch) -> wire.addAll(batch.toDevice())));
        E2eeRuntime runtime = null;
        ToDeviceCipher cipher = ToDeviceCipher.NONE;
        if (e2ee) {
            OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
            runtime = new E2eeRuntime(account.client(), olm.deviceCrypto(account.client().userId(),
                    account.client().deviceId(), olm.newAccount()), type -> Optional.empty(),
                    (room, slot) -> Optional.empty(), Clock.systemUTC(),
                    new E2eeRuntime.Settings("per_member", 20, KeyDistribution.Settings.defaults()));
            closing.add(runtime);
            runtime.start();
            OlmCipher olmCipher = new OlmCipher(runtime.sender());
            runtime.addListener(olmCipher); // as SCR binds the VerifiedToDeviceListener service
            cipher = olmCipher;
        }
        List<Object[]> got = new CopyOnWriteArrayList<>();
        ToDeviceSignalling sig = new ToDeviceSignalling(account.client(),
                () -> List.of((type, from, m) -> got.add(new Object[] {from, m})), cipher, require);
        closing.add(sig);
        closing.add(account.client().addSyncListener(sig));
        return new Endpoint(account, runtime, sig, got, wire);
    }

    private static Message call(String type, String device, String member, String extra) {
        return new Message(type, "{\"call_id\":\"c1\",\"conf_id\":\"conf\",\"party_id\":\"" + device + "\",\"device_id\":\""
                + device + "\",\"sender_session_id\":\"" + member + "\",\"dest_session_id\":\"any\",\"room_id\":\""
                + ROOM + "\"" + extra + "}");
    }

    private static Peer peer(Endpoint e, String member) {
        return new Peer(ROOM, e.user(), e.account().client().deviceId(), member);
    }

    @Test
    void callEventsTravelOnlyAsOlmAndArriveWithTheProvenSender() throws Exception {
        Endpoint alice = endpoint("alice", "ADEV", true, false);
        Endpoint bob = endpoint("bob", "BDEV", true, false);
        assertTrue(alice.sig().encrypted() && bob.sig().encrypted());

        alice.sig().send(peer(bob, "mb"), call("m.call.invite", "ADEV", "ma",
                ",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 o=- secret-offer\"},\"seq\":0"));
        for (int i = 1; i <= 3; i++) {
            alice.sig().send(peer(bob, "mb"), call("m.call.candidates", "ADEV", "ma",
                    ",\"candidates\":[{\"candidate\":\"candidate:" + i + " 1 udp 1 10.9.9.9 5000 typ host\"}],\"seq\":" + i));
        }
        await("bob got the invite and three candidates", () -> bob.got().size() == 4);
        bob.sig().send(peer(alice, "ma"), call("m.call.answer", "BDEV", "mb",
                ",\"answer\":{\"type\":\"answer\",\"sdp\":\"v=0 o=- secret-answer\"},\"seq\":0"));
        await("alice got the answer", () -> alice.got().size() == 1);

        for (int i = 0; i < 4; i++) {
            assertEquals(new Peer(ROOM, "@alice:test.local", "ADEV", "ma"), bob.got().get(i)[0]);
            Message m = (Message) bob.got().get(i)[1];
            assertEquals(i == 0 ? "m.call.invite" : "m.call.candidates", m.type(), "in order");
            assertTrue(m.contentJson().contains("\"seq\":" + i), "in order");
        }
        assertTrue(((Message) bob.got().get(0)[1]).contentJson().contains("secret-offer"), "the plaintext arrived");
        assertEquals(new Peer(ROOM, "@bob:test.local", "BDEV", "mb"), alice.got().get(0)[0]);
        assertTrue(((Message) alice.got().get(0)[1]).contentJson().contains("secret-answer"));

        for (Endpoint e : List.of(alice, bob)) {
            assertFalse(e.wire().isEmpty());
            assertTrue(e.wire().stream().allMatch(w -> w.type().equals("m.room.encrypted")),
                    "the homeserver delivered only m.room.encrypted: " + e.wire().stream().map(ToDeviceEvent::type).toList());
            assertFalse(e.wire().stream().anyMatch(w -> w.contentJson().contains("secret-")
                    || w.contentJson().contains("m.call") || w.contentJson().contains("candidate:")),
                    "no call content on the wire");
            assertTrue(e.sig().drops().isEmpty(), e.sig().drops().toString());
        }
    }

    @Test
    void inAnUnencryptedRoomCallEventsGoInTheClearAsJsSdkSendsThem() throws Exception {
        Endpoint alice = endpoint("alice", "ADEV", true, false);
        Endpoint bob = endpoint("bob", "BDEV", true, false);
        String clear = alice.account().client().createRoom(new CreateRoom(Optional.empty(), Optional.of("clear"),
                Optional.empty(), Optional.empty(), List.of("@bob:test.local"), List.of(), Optional.empty(),
                Optional.empty(), false));
        String encrypted = alice.account().client().createRoom(new CreateRoom(Optional.empty(), Optional.of("e2ee"),
                Optional.empty(), Optional.empty(), List.of("@bob:test.local"), List.of(new CreateRoom.InitialState(
                        "m.room.encryption", "", "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}")), Optional.empty(),
                Optional.empty(), false));
        alice.sig().send(new Peer(clear, "@bob:test.local", "BDEV", "mb"), call("m.call.invite", "ADEV", "ma", ""));
        alice.sig().send(new Peer(encrypted, "@bob:test.local", "BDEV", "mb"), call("m.call.hangup", "ADEV", "ma", ""));
        await("bob got both", () -> bob.got().size() == 2);
        assertEquals(List.of("m.call.invite", "m.room.encrypted"), bob.wire().stream().map(ToDeviceEvent::type)
                .toList(), "the unencrypted room's event in the clear, the encrypted room's in Olm");
    }

    @Test
    void aForgedDeviceAndUndecryptableOlmAreDroppedAndCleartextIsAcceptedUnlessRequired() throws Exception {
        Endpoint alice = endpoint("alice", "ADEV", true, false);
        Endpoint bob = endpoint("bob", "BDEV", true, false);
        Endpoint carol = endpoint("carol", "CDEV", false, false); // no E2EE at all, like js-sdk 43's full mesh

        // alice's device encrypts an invite that claims to come from another device of hers
        alice.sig().send(peer(bob, "mb"), call("m.call.invite", "ADEV2", "ma", ""));
        // Olm that no session opens
        carol.account().client().sendToDevice("m.room.encrypted", Map.of("@bob:test.local", Map.of("BDEV",
                "{\"algorithm\":\"m.olm.v1.curve25519-aes-sha2\",\"sender_key\":\"AAAA\",\"ciphertext\":{}}")),
                Optional.empty());
        // cleartext from a device without E2EE (what js-sdk 43 sends)
        carol.sig().send(peer(bob, "mb"), call("m.call.invite", "CDEV", "mc", ""));
        // and a genuine one after all of them
        alice.sig().send(peer(bob, "mb"), call("m.call.hangup", "ADEV", "ma", ""));

        await("the cleartext invite and the genuine hangup arrived", () -> bob.got().size() == 2);
        await("the undecryptable Olm message was dropped", () -> bob.runtime().distribution().unroutedDrops()
                .getOrDefault(DropReason.UNDECRYPTABLE, 0) == 1);
        List<Peer> from = bob.got().stream().map(g -> (Peer) g[0]).toList();
        assertTrue(from.contains(new Peer(ROOM, "@carol:test.local", "CDEV", "mc")), "cleartext: the claimed device");
        assertTrue(from.contains(new Peer(ROOM, "@alice:test.local", "ADEV", "ma")), from.toString());
        assertEquals(Map.of(ToDeviceSignalling.Drop.FORGED_DEVICE, 1), bob.sig().drops());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(
                "dropping an encrypted m.call.invite from @alice:test.local: it claims device ADEV2 but Olm proves device ADEV"),
                "the forged device is logged");
        assertTrue(carol.wire().isEmpty() && bob.wire().stream().anyMatch(w -> w.type().equals("m.call.invite")),
                "carol's invite went in the clear");
    }

    @Test
    void requiredEncryptionRefusesCleartextBothWays() throws Exception {
        Endpoint alice = endpoint("alice", "ADEV", true, false);
        Endpoint bob = endpoint("bob", "BDEV", true, true);
        Endpoint carol = endpoint("carol", "CDEV", false, false);
        Endpoint dave = endpoint("dave", "DDEV", false, true); // required, but no E2EE runtime

        carol.sig().send(peer(bob, "mb"), call("m.call.invite", "CDEV", "mc", "")).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        alice.sig().send(peer(bob, "mb"), call("m.call.invite", "ADEV", "ma", ""));
        await("the encrypted invite arrived", () -> bob.got().size() == 1);
        await("the cleartext one was refused", () -> bob.sig().drops()
                .getOrDefault(ToDeviceSignalling.Drop.CLEARTEXT_REFUSED, 0) == 1);
        assertEquals("@alice:test.local", ((Peer) bob.got().get(0)[0]).userId());

        ExecutionException noKeys = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> bob.sig().send(peer(carol, "mc"), call("m.call.answer", "BDEV", "mb", "")).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS));
        assertTrue(noKeys.getCause().getMessage().contains("publishes no device keys"), noKeys.getCause().getMessage());
        ExecutionException noCipher = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> dave.sig().send(peer(carol, "mc"), call("m.call.invite", "DDEV", "md", "")).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, noCipher.getCause());
        assertTrue(carol.got().isEmpty(), "nothing reached the device without keys");
    }

    @Test
    void theComponentFallsBackToCleartextWhenTheCipherGoesAndEncryptsAgainWhenItComes() throws Exception {
        Endpoint alice = endpoint("alice", "ADEV", true, false);
        Endpoint bob = endpoint("bob", "BDEV", true, false);
        // alice's transport as the DS component, bound as SCR binds it
        ToDeviceSignallingComponent component = new ToDeviceSignallingComponent(alice.account().client(),
                config(false));
        OlmCipher cipher = new OlmCipher(alice.runtime().sender());
        closing.add(alice.runtime().addListener(cipher));
        component.setCipher(cipher);
        component.send(peer(bob, "mb"), call("m.call.invite", "ADEV", "ma", "")).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        component.unsetCipher(cipher); // the E2EE bundle stops
        component.send(peer(bob, "mb"), call("m.call.candidates", "ADEV", "ma", "")).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        component.setCipher(new OlmCipher(bob.runtime().sender())); // another account's: not used
        component.setCipher(cipher); // back
        component.send(peer(bob, "mb"), call("m.call.hangup", "ADEV", "ma", "")).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        await("bob got all three", () -> bob.got().size() == 3);
        component.deactivate();

        assertEquals(List.of("m.room.encrypted", "m.call.candidates", "m.room.encrypted"),
                bob.wire().stream().map(ToDeviceEvent::type).toList(), "encrypted, cleartext while gone, encrypted");
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("@alice:test.local ADEV: the E2EE runtime is gone; to-device signalling falls back"
                + " to cleartext"), "the fallback is logged");
        assertTrue(logged.contains("is not for this account"), "a cipher for another account is refused, logged");
    }

    private static ToDeviceSignallingComponent.Config config(boolean require) {
        return new ToDeviceSignallingComponent.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return ToDeviceSignallingComponent.Config.class;
            }

            @Override
            public boolean require__encryption() {
                return require;
            }
        };
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
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
