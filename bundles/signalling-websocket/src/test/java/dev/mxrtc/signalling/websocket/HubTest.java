package dev.mxrtc.signalling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import dev.mxrtc.matrix.OpenIdToken;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * The hub on 127.0.0.1 with the real embedded homeserver checking OpenID tokens: two members' clients exchange
 * messages stamped with their verified user; a forged token, a token named for another server and frames before
 * authentication are refused (close 1008) and get nothing.
 */
@Timeout(60)
class HubTest {

    @TempDir
    Path dir;
    HomeserverMain hs;
    Hub hub;
    StandaloneClient alice;
    StandaloneClient bob;

    @BeforeEach
    void start() throws Exception {
        hs = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")), "127.0.0.1", 0);
        hub = new Hub("127.0.0.1", 0, "http://127.0.0.1:" + hs.port());
        alice = open("alice", "ADEV");
        bob = open("bob", "BDEV");
    }

    private StandaloneClient open(String name, String device) throws Exception {
        return MatrixClients.open(ClientSettings.password("http://127.0.0.1:" + hs.port(), name, "pw-" + name,
                dir.resolve(name)).withDeviceId(device).withRegister(true).withTimeouts(500, 10_000).withMaxRetries(2));
    }

    @AfterEach
    void stop() {
        hub.close();
        alice.close();
        bob.close();
        hs.close();
    }

    static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError(what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void membersExchangeMessagesWithTheirVerifiedUser() throws Exception {
        List<Object[]> bobGot = new CopyOnWriteArrayList<>();
        SignallingTransport.Receiver r = (type, from, m) -> bobGot.add(new Object[] {type, from, m});
        try (WebSocketSignalling a = new WebSocketSignalling(hub.url(), alice.client(), List::of);
                WebSocketSignalling b = new WebSocketSignalling(hub.url(), bob.client(), () -> List.of(r))) {
            await("both ready", () -> a.ready() && b.ready());
            assertEquals(2, hub.connected());
            for (int i = 0; i < 50; i++) {
                a.send(new SignallingTransport.Peer("!r", "@bob:test.local", "BDEV", "mb"), new SignallingTransport
                        .Message("m.call.candidates", "{\"sender_session_id\":\"ma\",\"room_id\":\"!r\",\"seq\":" + i
                                + "}")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            await("50 messages", () -> bobGot.size() == 50);
            SignallingTransport.Peer from = (SignallingTransport.Peer) bobGot.get(0)[1];
            assertEquals(new SignallingTransport.Peer("!r", "@alice:test.local", "ADEV", "ma"), from);
            for (int i = 0; i < 50; i++) {
                assertTrue(((SignallingTransport.Message) bobGot.get(i)[2]).contentJson().contains("\"seq\":" + i),
                        "in order");
            }
        }
    }

    @Test
    void messagesForADeviceThatConnectsSoonAreKeptForIt() throws Exception {
        List<Object[]> bobGot = new CopyOnWriteArrayList<>();
        try (WebSocketSignalling a = new WebSocketSignalling(hub.url(), alice.client(), List::of)) {
            await("alice ready", a::ready);
            a.send(new SignallingTransport.Peer("!r", "@bob:test.local", "BDEV", "mb"), new SignallingTransport
                    .Message("m.call.invite", "{\"sender_session_id\":\"ma\"}")).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            try (WebSocketSignalling b = new WebSocketSignalling(hub.url(), bob.client(),
                    () -> List.<SignallingTransport.Receiver>of((type, from, m) -> bobGot.add(new Object[] {m})))) {
                await("the invite sent before bob connected", () -> bobGot.size() == 1);
            }
        }
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        assertRefused("{\"type\":\"auth\",\"access_token\":\"forged-token\",\"matrix_server_name\":\"test.local\","
                + "\"device_id\":\"MDEV\"}");
    }

    @Test
    void aRealTokenNamedForAnotherServerIsRefused() throws Exception {
        OpenIdToken t = alice.client().requestOpenIdToken();
        assertRefused("{\"type\":\"auth\",\"access_token\":\"" + t.accessToken() + "\",\"matrix_server_name\":"
                + "\"evil.example\",\"device_id\":\"ADEV\"}");
    }

    @Test
    void sendingBeforeAuthenticatingIsRefused() throws Exception {
        assertRefused("{\"type\":\"send\",\"to\":{\"user_id\":\"@bob:test.local\",\"device_id\":\"BDEV\"},"
                + "\"event_type\":\"m.call.invite\",\"content\":{}}");
    }

    @Test
    void aFrameThatIsNotJsonIsRefused() throws Exception {
        assertRefused("hello?");
    }

    @Test
    void malformedSendsFromAnAuthenticatedMemberAreIgnoredAndTheSocketStays() throws Exception {
        List<Object[]> bobGot = new CopyOnWriteArrayList<>();
        SignallingTransport.Receiver r = (type, from, m) -> bobGot.add(new Object[] {from, m});
        try (WebSocketSignalling b = new WebSocketSignalling(hub.url(), bob.client(), () -> List.of(r))) {
            await("bob ready", b::ready);
            OpenIdToken t = alice.client().requestOpenIdToken();
            List<String> frames = new CopyOnWriteArrayList<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(hub.url()),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            frames.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"auth\",\"access_token\":\"" + t.accessToken()
                    + "\",\"matrix_server_name\":\"test.local\",\"device_id\":\"ADEV\"}", true).get();
            await("alice ready", () -> frames.stream().anyMatch(f -> f.contains("ready")));
            for (String bad : List.of("{\"type\":\"send\"}", "{\"type\":\"send\",\"to\":{\"user_id\":1},"
                    + "\"event_type\":\"m.call.invite\",\"content\":{}}", "{\"type\":\"send\",\"to\":{\"user_id\":"
                    + "\"@bob:test.local\",\"device_id\":\"BDEV\"},\"event_type\":\"m.call.invite\",\"content\":\"x\"}",
                    "{\"type\":\"whatever\"}")) {
                ws.sendText(bad, true).get();
            }
            // then a good one, without sender_session_id (dropped by the client) and one with
            ws.sendText("{\"type\":\"send\",\"to\":{\"user_id\":\"@bob:test.local\",\"device_id\":\"BDEV\"},"
                    + "\"event_type\":\"m.call.hangup\",\"content\":{\"call_id\":\"c\"}}", true).get();
            ws.sendText("{\"type\":\"send\",\"to\":{\"user_id\":\"@bob:test.local\",\"device_id\":\"BDEV\"},"
                    + "\"event_type\":\"m.call.hangup\",\"content\":{\"call_id\":\"c\",\"sender_session_id\":\"ma\"}}",
                    true).get();
            await("the good message", () -> bobGot.size() == 1);
            assertEquals("@alice:test.local", ((SignallingTransport.Peer) bobGot.get(0)[0]).userId());
            assertEquals(2, hub.connected(), "alice's socket survived the bad frames");
        }
    }

    private void assertRefused(String firstFrame) throws Exception {
        List<Object[]> bobGot = new CopyOnWriteArrayList<>();
        try (WebSocketSignalling b = new WebSocketSignalling(hub.url(), bob.client(),
                () -> List.<SignallingTransport.Receiver>of((type, from, m) -> bobGot.add(new Object[] {from})))) {
            await("bob ready", b::ready);
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            List<String> frames = new CopyOnWriteArrayList<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(hub.url()),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            frames.add(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            ws.sendText(firstFrame, true);
            assertEquals(1008, closed.get(10, TimeUnit.SECONDS), "closed with policy violation");
            assertTrue(frames.stream().noneMatch(f -> f.contains("ready")), "never ready: " + frames);
            assertEquals(1, hub.connected(), "only bob");
            assertFalse(bobGot.size() > 0);
        }
    }
}
