package dev.mxrtc.signalling.todevice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.spi.SignallingTransport.Message;
import dev.mxrtc.api.spi.SignallingTransport.Peer;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.e2ee.keys.KeyDistribution;
import dev.mxrtc.e2ee.runtime.E2eeRuntime;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * Interop proof: a matrix-js-sdk 43 client with its Rust crypto (the shared {@code interop/e2ee/peer.mjs}, with
 * {@code src/test/node/call-events.mjs} preloaded to report the to-device call events js-sdk emits) receives the
 * {@code m.call.invite} and {@code m.call.candidates} that mxrtc's transport sent Olm-encrypted, and decrypts them.
 * Real homeserver on 127.0.0.1, real node; without node the test fails (it is never skipped).
 */
@Timeout(180)
class JsSdkReceivesEncryptedCallEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private final List<JsonNode> jsLines = new CopyOnWriteArrayList<>();
    private final StringBuilder jsErr = new StringBuilder();

    @AfterEach
    void stop() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing
            }
        }
    }

    @Test
    void jsSdkDecryptsMxrtcsOlmCallEvents() throws Exception {
        HomeserverMain hs = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")), "127.0.0.1",
                0);
        closing.add(hs);
        String url = "http://127.0.0.1:" + hs.port();
        Process js = startJsPeer(url);
        awaitJs(l -> "ready".equals(l.path("type").asText()), 90_000, "ready");

        StandaloneClient account = MatrixClients.open(ClientSettings.password(url, "mx", "pw-mx", dir.resolve("mx"))
                .withDeviceId("MXDEV").withRegister(true).withTimeouts(500, 10_000).withMaxRetries(2));
        closing.add(account);
        OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
        E2eeRuntime runtime = new E2eeRuntime(account.client(), olm.deviceCrypto("@mx:test.local", "MXDEV",
                olm.newAccount()), type -> Optional.empty(), (room, slot) -> Optional.empty(), Clock.systemUTC(),
                new E2eeRuntime.Settings("per_member", 20, KeyDistribution.Settings.defaults()));
        closing.add(runtime);
        runtime.start();
        OlmCipher cipher = new OlmCipher(runtime.sender());
        runtime.addListener(cipher);
        ToDeviceSignalling sig = new ToDeviceSignalling(account.client(), List::of, cipher, true);
        closing.add(sig);

        // an encrypted room both are in: Rust crypto tracks (and accepts Olm from) the devices of such rooms' members only
        String room = account.client().createRoom(new CreateRoom(Optional.empty(), Optional.of("call"),
                Optional.empty(), Optional.empty(), List.of("@js:test.local"), List.of(new CreateRoom.InitialState(
                        "m.room.encryption", "", "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}")), Optional.empty(),
                Optional.empty(), false));
        send(js, "{\"cmd\":\"join\",\"room\":\"" + room + "\"}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (jsLines.stream().noneMatch(l -> "devices".equals(l.path("type").asText())
                && l.path("devices").toString().contains("\"MXDEV\""))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("js-sdk never learnt MXDEV's keys: " + jsLines);
            }
            send(js, "{\"cmd\":\"devices\",\"user\":\"@mx:test.local\"}");
            Thread.sleep(500);
        }
        Peer to = new Peer(room, "@js:test.local", "JSDEV", "js-member");
        String invite = "{\"call_id\":\"c1\",\"conf_id\":\"m.call#ROOM\",\"party_id\":\"MXDEV\",\"version\":\"1\","
                + "\"lifetime\":60000,\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 mxrtc-offer\"},\"device_id\":\"MXDEV\","
                + "\"sender_session_id\":\"mx-member\",\"dest_session_id\":\"js-member\",\"seq\":0}";
        sig.send(to, new Message("m.call.invite", invite)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        sig.send(to, new Message("m.call.candidates", "{\"call_id\":\"c1\",\"conf_id\":\"m.call#ROOM\",\"party_id\":"
                + "\"MXDEV\",\"version\":\"1\",\"candidates\":[{\"candidate\":\"candidate:1 1 udp 1 10.9.9.9 5000 typ host\","
                + "\"sdpMid\":\"0\"}],\"device_id\":\"MXDEV\",\"sender_session_id\":\"mx-member\",\"dest_session_id\":"
                + "\"js-member\",\"seq\":1}")).toCompletableFuture().get(30, TimeUnit.SECONDS);

        JsonNode got = awaitJs(l -> "call_event".equals(l.path("type").asText())
                && "m.call.invite".equals(l.path("event_type").asText()), 60_000, "the decrypted invite");
        assertTrue(got.path("encrypted").asBoolean(), "it came Olm-encrypted: " + got);
        assertEquals("m.room.encrypted", got.path("wire_type").asText());
        assertEquals("@mx:test.local", got.path("sender").asText());
        assertEquals(JSON.readTree(invite), got.path("content"), "js-sdk got exactly what mxrtc sent");
        JsonNode candidates = awaitJs(l -> "call_event".equals(l.path("type").asText())
                && "m.call.candidates".equals(l.path("event_type").asText()), 60_000, "the decrypted candidates");
        assertTrue(candidates.path("encrypted").asBoolean());
        assertEquals("c1", candidates.path("content").path("call_id").asText());
        js.destroy();
    }

    private static void send(Process p, String line) throws java.io.IOException {
        p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
    }

    private Process startJsPeer(String url) throws Exception {
        Path interop = Path.of(System.getProperty("mxrtc.interop", "../../interop")).toAbsolutePath().normalize();
        if (!Files.isDirectory(interop.resolve("node_modules/matrix-js-sdk"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(interop.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new AssertionError("npm ci failed in " + interop);
            }
        }
        Path preload = Path.of("src/test/node/call-events.mjs").toAbsolutePath();
        Process p = new ProcessBuilder("node", "--import", preload.toUri().toString(), "e2ee/peer.mjs", url, "js",
                "JSDEV").directory(interop.toFile()).start();
        closing.add(() -> {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        });
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    try {
                        jsLines.add(JSON.readTree(l));
                    } catch (Exception e) {
                        jsLines.add(JSON.createObjectNode().put("type", "garbage").put("text", l));
                    }
                }
            } catch (Exception e) {
                // ended
            }
        }, "js-out");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    synchronized (jsErr) {
                        jsErr.append(l).append('\n');
                        if (jsErr.length() > 8000) {
                            jsErr.delete(0, jsErr.length() - 8000);
                        }
                    }
                }
            } catch (Exception e) {
                // ended
            }
        }, "js-err");
        err.setDaemon(true);
        err.start();
        return p;
    }

    private JsonNode awaitJs(Predicate<JsonNode> line, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Optional<JsonNode> found = jsLines.stream().filter(line).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                synchronized (jsErr) {
                    throw new AssertionError("js-sdk: no " + what + " within " + timeoutMs + " ms; lines " + jsLines
                            + "\nstderr tail:\n" + jsErr);
                }
            }
            Thread.sleep(20);
        }
    }
}
