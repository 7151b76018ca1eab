package dev.mxrtc.itest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.signalling.websocket.Hub;
import dev.mxrtc.signalling.websocket.WebSocketSignalling;

/**
 * Issue 6 acceptance, to_device signalling: four mxrtc participants, each its own JVM with its own media worker, join
 * one room call on the embedded homeserver with {@code full_mesh}. All six pairs connect; every member hears the other
 * three's tones (measured frequency and level of the received audio); one member is killed (SIGKILL of its JVM and
 * worker) and the others tear its connections down after its delayed leave fires while staying connected to each
 * other; a late joiner connects to all. Runs in the test's network namespace (see src/test/netns/bin/java).
 */
@Timeout(240)
class FullMeshCallTest {

    static final String SERVER = "test.local";

    /** Under target/ so the participants' logs outlive a failed run. */
    final Path dir = Path.of(System.getProperty("mxrtc.itest.out", System.getProperty("java.io.tmpdir")),
            "fullmesh-" + System.currentTimeMillis());
    HomeserverMain hs;
    StandaloneClient host;
    String roomId;
    final List<ParticipantProcess> participants = new ArrayList<>();
    /** the websocket hub, served by this JVM as another runtime would serve it */
    Hub hub;
    WebSocketSignalling hostWs;

    @BeforeEach
    void homeserver() throws Exception {
        hs = new HomeserverMain(HomeserverConfig.defaults(SERVER, dir.resolve("hs")), "127.0.0.1", 0);
        host = MatrixClients.open(ClientSettings.password(url(), "host", "pw-host", dir.resolve("host"))
                .withDeviceId("HOSTDEV").withRegister(true).withTimeouts(1_000, 10_000).withMaxRetries(2));
        // public: the participants register on first start and join by themselves
        roomId = host.client().createRoom(new CreateRoom(Optional.of(CreateRoom.Preset.PUBLIC_CHAT),
                Optional.of("mesh"), Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), false));
    }

    @AfterEach
    void stop() {
        participants.forEach(ParticipantProcess::close);
        if (hostWs != null) {
            hostWs.close();
        }
        if (hub != null) {
            hub.close();
        }
        host.close();
        hs.close();
    }

    String url() {
        return "http://127.0.0.1:" + hs.port();
    }

    ParticipantProcess start(int i, double tone, String signalling) throws Exception {
        ParticipantProcess p = new ParticipantProcess(url(), roomId, "p" + i, "DEV" + i, dir.resolve("p" + i), tone,
                signalling, SERVER, hub == null ? "" : hub.url());
        participants.add(p);
        return p;
    }

    static void await(long timeoutMs, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError(what + " not within " + timeoutMs + " ms");
            }
            Thread.sleep(50);
        }
    }

    /** The host account is a Matrix user in the room but no member of the call. */
    void sendAsNonMember(String signalling, ParticipantProcess to, String toMember, String content) throws Exception {
        if (signalling.equals("to_device")) {
            host.client().sendToDevice("m.call.invite", Map.of(to.user, Map.of("DEV1", content)), Optional.empty());
            return;
        }
        if (hostWs == null) {
            hostWs = new WebSocketSignalling(hub.url(), host.client(), List::of);
            await(10_000, "the host's websocket is ready", hostWs::ready);
        }
        hostWs.send(new SignallingTransport.Peer(roomId, to.user, "DEV1", toMember),
                new SignallingTransport.Message("m.call.invite", content)).toCompletableFuture().get();
    }

    String logOf(ParticipantProcess p) {
        try {
            return java.nio.file.Files.readString(p.log);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void fourMembersMeshOverToDevice() throws Exception {
        runScenario("to_device");
    }

    @Test
    void fourMembersMeshOverAWebsocketHub() throws Exception {
        hub = new Hub("127.0.0.1", 0, url());
        runScenario("websocket");
    }

    /** The scenario, for any signalling transport. */
    void runScenario(String signalling) throws Exception {
        double[] tones = {400, 600, 800, 1000, 1200};
        long t0 = System.nanoTime();
        List<ParticipantProcess> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(start(i + 1, tones[i], signalling));
        }
        await(90_000, "all six pairs connected", () -> four.stream().allMatch(p -> p.connectedCount() == 3));
        long connectedMs = (System.nanoTime() - t0) / 1_000_000;
        long lastJoin = four.stream().mapToLong(p -> p.first(0, l -> l.word(0).equals("JOINED-MESH")).orElseThrow()
                .nanos()).max().orElseThrow();
        System.out.printf("fullmesh-%s: 4 JVMs started -> all 6 pairs connected in %d ms (%d ms after the last member"
                + " joined the mesh)%n", signalling, connectedMs, (System.nanoTime() - lastJoin) / 1_000_000);

        // bad input: a non-member (the room's host account) sends p1 a well-formed invite for p1's member id, and
        // an invite whose SDP is not SDP; p1 ignores both with a log line and makes no connection
        ParticipantProcess first = four.get(0);
        String p1Member = first.memberId().orElseThrow();
        String forged = "{\"call_id\":\"forged\",\"party_id\":\"HOSTDEV\",\"version\":\"1\",\"conf_id\":"
                + "\"m.call#ROOM\",\"room_id\":\"" + roomId + "\",\"device_id\":\"HOSTDEV\",\"sender_session_id\":"
                + "\"host-member\",\"dest_session_id\":\"" + p1Member + "\",\"seq\":1,\"lifetime\":30000,"
                + "\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}";
        sendAsNonMember(signalling, first, p1Member, forged);
        sendAsNonMember(signalling, first, p1Member, forged.replace("v=0", "garbage"));

        await(30_000, "every member hears the other three tones", () -> four.stream().allMatch(
                p -> four.stream().filter(q -> q != p).allMatch(q -> p.heard(0, q.user, q.tone).isPresent())));
        for (ParticipantProcess p : four) {
            for (ParticipantProcess q : four) {
                if (p != q) {
                    ParticipantProcess.Line l = p.heard(0, q.user, q.tone).orElseThrow();
                    System.out.printf("fullmesh-%s: %s hears %s at %s Hz (sent %.0f), rms %s%n", signalling, p.user,
                            q.user, l.word(3), q.tone, l.word(4));
                }
            }
        }

        // replace every member's signalling transport mid-call: established connections stay up
        int[] before = four.stream().mapToInt(p -> p.lines.size()).toArray();
        four.forEach(p -> p.command("swap"));
        await(10_000, "all swapped", () -> four.stream().allMatch(p -> p.first(0, l -> l.word(0).equals("SWAPPED"))
                .isPresent()));
        Thread.sleep(1_500);
        for (int i = 0; i < four.size(); i++) {
            ParticipantProcess p = four.get(i);
            int mark = before[i];
            assertTrue(p.first(mark, l -> l.word(0).equals("STATE") || l.word(0).equals("CLOSED")).isEmpty(),
                    p.user + ": no connection changed when the transport was replaced");
            for (ParticipantProcess q : four) {
                if (q != p) {
                    await(10_000, p.user + " hears " + q.user + " after the swap",
                            () -> p.heard(mark, q.user, q.tone).isPresent());
                }
            }
        }
        System.out.printf("fullmesh-%s: transport replaced on all four mid-call, no connection dropped%n", signalling);

        // kill p4: its JVM and its media worker, no leave sent
        ParticipantProcess victim = four.get(3);
        String victimMember = victim.memberId().orElseThrow();
        List<ParticipantProcess> rest = four.subList(0, 3);
        int[] marks = rest.stream().mapToInt(p -> p.lines.size()).toArray();
        long tk = System.nanoTime();
        victim.kill();
        await(30_000, "the others tear the killed member's connections down",
                () -> rest.stream().allMatch(p -> "CLOSED".equals(p.states().get(victimMember))));
        System.out.printf("fullmesh-%s: killed member torn down by all after %d ms (delayed leave 6 s)%n", signalling,
                (System.nanoTime() - tk) / 1_000_000);
        for (int i = 0; i < rest.size(); i++) {
            ParticipantProcess p = rest.get(i);
            assertEquals(2, p.connectedCount(), p.user + " still connected to the other two: " + p.states());
            int mark = marks[i];
            for (ParticipantProcess q : rest) {
                if (q != p) {
                    await(10_000, p.user + " still hears " + q.user, () -> p.heard(mark, q.user, q.tone).isPresent());
                }
            }
        }

        // a late joiner connects to all
        long tl = System.nanoTime();
        ParticipantProcess late = start(5, tones[4], signalling);
        await(60_000, "the late joiner is connected to all three",
                () -> late.connectedCount() == 3 && rest.stream().allMatch(p -> p.connectedCount() == 3));
        System.out.printf("fullmesh-%s: late joiner connected to all in %d ms (JVM start included)%n", signalling,
                (System.nanoTime() - tl) / 1_000_000);
        await(30_000, "the late joiner hears everyone and everyone hears it", () -> rest.stream()
                .allMatch(p -> late.heard(0, p.user, p.tone).isPresent() && p.heard(0, late.user, late.tone).isPresent()));

        // data channels work across the mesh
        late.command("send hello-from-p5");
        await(10_000, "data from the late joiner reaches all", () -> rest.stream().allMatch(p -> p.first(0,
                l -> l.word(0).equals("DATA") && l.word(1).equals(late.user) && l.word(2).equals("hello-from-p5"))
                .isPresent()));

        await(20_000, "p1 logs that it dropped the non-member's invite", () -> logOf(first).contains(
                "dropped m.call.invite from @host:" + SERVER) && logOf(first).contains("ignoring a malformed m.call.invite"));
        assertTrue(first.states().keySet().stream().noneMatch("host-member"::equals), "no connection to a non-member");

        // stats per peer
        ParticipantProcess p1 = rest.get(0);
        int mark = p1.lines.size();
        p1.command("stats");
        await(10_000, "stats", () -> p1.first(mark, l -> l.word(0).equals("STATS-END")).isPresent());
        List<ParticipantProcess.Line> stats = p1.lines.subList(mark, p1.lines.size()).stream()
                .filter(l -> l.word(0).equals("STATS")).toList();
        assertEquals(3, stats.size(), "one stats line per peer");
        assertTrue(stats.stream().allMatch(l -> l.word(3).equals("CONNECTED")), "all connected: " + Map.of());
    }
}
