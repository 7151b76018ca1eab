package dev.mxrtc.e2ee.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.EncryptedToDeviceSender;
import dev.mxrtc.e2ee.VerifiedToDevice;
import dev.mxrtc.e2ee.keys.KeyDistribution;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.matrix.ToDeviceEvent;

/**
 * The E2EE runtime as the one decrypter of an account's Olm to-device traffic, over the real embedded homeserver
 * (127.0.0.1, ephemeral port), real clients with their sync loops and real Olm: what is not a media key reaches the
 * {@code VerifiedToDeviceListener}s with the proven sender device, and {@code EncryptedToDeviceSender} claims a
 * one-time key, starts the session and sends {@code m.room.encrypted}.
 */
@Timeout(60)
class VerifiedToDeviceTest {

    @TempDir
    Path dir;
    private HomeserverMain hs;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    private record Account(StandaloneClient account, E2eeRuntime runtime, List<VerifiedToDevice> got,
            List<ToDeviceEvent> wire) {
    }

    @BeforeEach
    void start() throws Exception {
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
    }

    private StandaloneClient client(String name, String device) throws Exception {
        StandaloneClient c = MatrixClients.open(ClientSettings.password("http://127.0.0.1:" + hs.port(), name,
                "pw-" + name, dir.resolve(name)).withDeviceId(device).withRegister(true).withTimeouts(500, 10_000)
                .withMaxRetries(2));
        closing.add(c);
        return c;
    }

    /** A Matrix account with E2EE on: no schemes (nothing is keyed), only the Olm door. */
    private Account e2ee(String name, String device) throws Exception {
        StandaloneClient c = client(name, device);
        List<ToDeviceEvent> wire = new CopyOnWriteArrayList<>();
        closing.add(c.client().addSyncListener((u, batch) -> wire.addAll(batch.toDevice())));
        OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
        E2eeRuntime rt = new E2eeRuntime(c.client(), olm.deviceCrypto(c.client().userId(), c.client().deviceId(),
                olm.newAccount()), type -> Optional.empty(), (room, slot) -> Optional.empty(), Clock.systemUTC(),
                new E2eeRuntime.Settings("per_member", 20, KeyDistribution.Settings.defaults()));
        closing.add(rt);
        rt.start();
        List<VerifiedToDevice> got = new CopyOnWriteArrayList<>();
        rt.addListener(got::add);
        return new Account(c, rt, got, wire);
    }

    @Test
    void decryptedEventsReachTheListenersWithTheProvenSenderAndOnlyCiphertextTravels() throws Exception {
        Account alice = e2ee("alice", "ADEV");
        Account bob = e2ee("bob", "BDEV");
        EncryptedToDeviceSender send = alice.runtime().sender();
        assertEquals("@alice:test.local", send.userId());
        String invite = "{\"call_id\":\"c1\",\"device_id\":\"ADEV\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 secret-sdp\"}}";
        assertInstanceOf(EncryptedToDeviceSender.Sent.class,
                send.send("@bob:test.local", "BDEV", "m.call.invite", invite, "t1"));
        assertInstanceOf(EncryptedToDeviceSender.Sent.class, send.send("@bob:test.local", "BDEV", "m.call.candidates",
                "{\"call_id\":\"c1\",\"seq\":1}", "t2"));
        await("bob's listener got both", () -> bob.got().size() == 2);
        VerifiedToDevice first = bob.got().get(0);
        assertEquals(new VerifiedToDevice("@bob:test.local", "BDEV", "@alice:test.local", "ADEV",
                curve(alice), "m.call.invite", invite), first);
        assertEquals("m.call.candidates", bob.got().get(1).type(), "in the order sent");
        assertTrue(bob.wire().stream().allMatch(e -> e.type().equals("m.room.encrypted")), "only ciphertext arrived");
        assertFalse(bob.wire().stream().anyMatch(e -> e.contentJson().contains("secret-sdp")
                || e.contentJson().contains("m.call")), "no call content on the wire");
        assertTrue(first.toString().indexOf("secret-sdp") < 0, "toString hides the content");

        // the other way: bob answers over the session alice's pre-key message made
        assertInstanceOf(EncryptedToDeviceSender.Sent.class, bob.runtime().sender().send("@alice:test.local", "ADEV",
                "m.call.answer", "{\"call_id\":\"c1\"}", "t3"));
        await("alice got the answer", () -> alice.got().size() == 1);
        assertEquals("@bob:test.local", alice.got().get(0).senderUserId());
        assertEquals("BDEV", alice.got().get(0).senderDeviceId());
    }

    @Test
    void undecryptableAndKeyEventsAreNotHandedOnAndADeviceWithoutKeysIsReported() throws Exception {
        Account alice = e2ee("alice", "ADEV");
        Account bob = e2ee("bob", "BDEV");
        StandaloneClient carol = client("carol", "CDEV"); // no E2EE: no device keys

        EncryptedToDeviceSender.Outcome none = alice.runtime().sender().send("@carol:test.local", "CDEV",
                "m.call.invite", "{}", "t0");
        assertInstanceOf(EncryptedToDeviceSender.NoDeviceKeys.class, none, none.toString());

        // garbage ciphertext "from" carol (no Olm session can open it), then a media-key-shaped event over Olm
        carol.client().sendToDevice("m.room.encrypted", Map.of("@bob:test.local", Map.of("BDEV",
                "{\"algorithm\":\"m.olm.v1.curve25519-aes-sha2\",\"sender_key\":\"AAAA\",\"ciphertext\":{}}")),
                Optional.empty());
        alice.runtime().sender().send("@bob:test.local", "BDEV", "io.element.call.encryption_keys",
                "{\"keys\":{\"index\":0,\"key\":\"AAAAAAAAAAAAAAAAAAAAAA==\"},\"room_id\":\"!r:test.local\","
                        + "\"member\":{\"claimed_device_id\":\"ADEV\",\"id\":\"m\"},\"sent_ts\":1}", "t1");
        alice.runtime().sender().send("@bob:test.local", "BDEV", "m.call.hangup", "{\"call_id\":\"after\"}", "t2");
        await("the event after them arrived", () -> !bob.got().isEmpty());
        assertEquals(List.of("m.call.hangup"), bob.got().stream().map(VerifiedToDevice::type).toList(),
                "neither the undecryptable event nor the media key was handed on");
        assertEquals(1, bob.runtime().distribution().unroutedDrops().getOrDefault(DropReason.UNDECRYPTABLE, 0));

        alice.runtime().close();
        assertInstanceOf(EncryptedToDeviceSender.Failed.class, alice.runtime().sender().send("@bob:test.local", "BDEV",
                "m.call.hangup", "{}", "t3"), "a closed runtime sends nothing");
    }

    private static String curve(Account a) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.account().client().queryKeys(
                "{\"device_keys\":{\"" + a.account().client().userId() + "\":[]}}")).path("device_keys")
                .path(a.account().client().userId()).path(a.account().client().deviceId()).path("keys")
                .path("curve25519:" + a.account().client().deviceId()).asText();
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
}
