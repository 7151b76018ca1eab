package dev.mxrtc.signalling.todevice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * Two real accounts on the embedded homeserver (127.0.0.1, ephemeral port), each with a to-device transport: call
 * events arrive in order with the sender the homeserver vouches for; other to-device types and call events without
 * addressing are not delivered.
 */
@Timeout(60)
class ToDeviceSignallingTest {

    @TempDir
    Path dir;
    private HomeserverMain hs;
    private StandaloneClient alice;
    private StandaloneClient bob;
    private ToDeviceSignalling aliceSig;
    private ToDeviceSignalling bobSig;
    private final List<Object[]> bobGot = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hs = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")), "127.0.0.1", 0);
        alice = open("alice", "ADEV");
        bob = open("bob", "BDEV");
        aliceSig = new ToDeviceSignalling(alice.client(), List::of, ToDeviceCipher.NONE);
        SignallingTransport.Receiver r = (type, from, m) -> bobGot.add(new Object[] {type, from, m});
        bobSig = new ToDeviceSignalling(bob.client(), () -> List.of(r), ToDeviceCipher.NONE);
        bob.client().addSyncListener(bobSig);
    }

    private StandaloneClient open(String name, String device) throws Exception {
        return MatrixClients.open(ClientSettings.password("http://127.0.0.1:" + hs.port(), name, "pw-" + name,
                dir.resolve(name)).withDeviceId(device).withRegister(true).withTimeouts(500, 10_000).withMaxRetries(2));
    }

    @AfterEach
    void stop() {
        aliceSig.close();
        bobSig.close();
        alice.close();
        bob.close();
        hs.close();
    }

    @Test
    void callEventsArriveInOrderWithTheVouchedSender() throws Exception {
        SignallingTransport.Peer toBob = new SignallingTransport.Peer("!r:test.local", "@bob:test.local", "BDEV", "mb");
        int n = 20;
        for (int i = 0; i < n; i++) {
            String type = i == 0 ? "m.call.invite" : "m.call.candidates";
            aliceSig.send(toBob, new SignallingTransport.Message(type, "{\"call_id\":\"c\",\"device_id\":\"ADEV\","
                    + "\"sender_session_id\":\"ma\",\"dest_session_id\":\"mb\",\"room_id\":\"!r:test.local\",\"seq\":"
                    + i + "}"));
        }
        // not signalling, or not addressed: never delivered
        alice.client().sendToDevice("m.room_key_request", Map.of("@bob:test.local", Map.of("BDEV", "{}")),
                Optional.empty());
        aliceSig.send(toBob, new SignallingTransport.Message("m.call.hangup", "{\"call_id\":\"c\"}"));
        aliceSig.send(toBob, new SignallingTransport.Message("m.call.hangup", "not json"));
        aliceSig.send(toBob, new SignallingTransport.Message("m.call.hangup", "{\"call_id\":\"last\",\"device_id\":"
                + "\"ADEV\",\"sender_session_id\":\"ma\",\"dest_session_id\":\"mb\"}")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        long end = System.currentTimeMillis() + 15_000;
        while (bobGot.size() < n + 1 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertEquals(n + 1, bobGot.size(), "the call events and the last hangup, nothing else");
        for (int i = 0; i < n; i++) {
            Object[] got = bobGot.get(i);
            assertEquals("to_device", got[0]);
            SignallingTransport.Peer from = (SignallingTransport.Peer) got[1];
            assertEquals(new SignallingTransport.Peer("!r:test.local", "@alice:test.local", "ADEV", "ma"), from);
            assertTrue(((SignallingTransport.Message) got[2]).contentJson().contains("\"seq\":" + i + "}"), "order");
        }
        SignallingTransport.Peer last = (SignallingTransport.Peer) bobGot.get(n)[1];
        assertEquals("", last.roomId(), "no room_id: js-sdk's shape, the room stays open");
    }

    @Test
    void theSenderIsTheAuthenticatedUserNotWhatTheContentClaims() throws Exception {
        aliceSig.send(new SignallingTransport.Peer("!r", "@bob:test.local", "BDEV", "mb"),
                new SignallingTransport.Message("m.call.invite", "{\"call_id\":\"c\",\"device_id\":\"BDEV\","
                        + "\"sender\":\"@bob:test.local\",\"sender_session_id\":\"mb\",\"dest_session_id\":\"mb\"}"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        long end = System.currentTimeMillis() + 10_000;
        while (bobGot.isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertEquals("@alice:test.local", ((SignallingTransport.Peer) bobGot.get(0)[1]).userId());
    }
}
