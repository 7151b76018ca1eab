package dev.mxrtc.focus.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.media.supervisor.MediaSupervisor;
import livekit.LivekitModels.ReconnectReason;
import livekit.LivekitRtc.SignalRequest;

/**
 * Two mxrtc members connect through the {@code livekit} focus backend to {@link FakeMediaSfu}, a test double of a
 * LiveKit SFU that forwards real WebRTC media (no LiveKit SFU runs on this machine). Everything else is real: the
 * embedded homeserver issues the OpenID tokens, {@link FakeLkJwtService} checks them against it and mints the LiveKit
 * JWTs, and every member and the SFU double has its own media worker JVM, all inside this test's network namespace
 * (src/test/netns/bin/java). Each member hears the other's tone; then the signalling websockets are dropped (resume),
 * the SFU forgets the participants (full reconnect, re-publish), and one member's media worker is SIGKILLed. The
 * figures are printed.
 */
@Timeout(240)
class LiveKitMediaTest {

    private static final double TONE_A = 440;
    private static final double TONE_B = 1000;

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        for (AutoCloseable c : open.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private FakeMediaSfu sfu;
    private TestMedia.Heard heardA;
    private TestMedia.Heard heardB;

    /** Waits, and on a timeout prints what the members heard last and the SFU double's peers. */
    private void await(Duration max, java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        try {
            TestMedia.await(max, done, what);
        } catch (AssertionError e) {
            System.out.println("diagnosis: A heard " + last(heardA) + "; B heard " + last(heardB) + "; SFU peers "
                    + sfu.peerStates + "; SFU problems " + sfu.problems + "; joins " + sfu.joins);
            throw e;
        }
    }

    private boolean connected(String... identities) {
        try {
            return sfu.connectedIdentities().containsAll(List.of(identities));
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> last(TestMedia.Heard h) {
        List<TestMedia.Heard.At> r = h.reports;
        return r.subList(Math.max(0, r.size() - 3), r.size()).stream()
                .map(x -> String.format("%.0f Hz rms %.3f", x.level().frequencyHz(), x.level().rms())).toList()
                .stream().map(x -> x + " (of " + r.size() + ")").toList();
    }

    /** The only connection in a backend's status. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> connection(Map<String, Object> status) {
        List<Map<String, Object>> cs = (List<Map<String, Object>>) status.get("connections");
        assertEquals(1, cs.size(), "one connection: " + status);
        return cs.get(0);
    }

    /**
     * The status map of a member's backend, once it settled (bounded): connected, both peers connected, and the
     * audio it hears is the other member's tone, measured recently.
     */
    @SuppressWarnings("unchecked")
    private void assertStatus(LiveKitBackend backend, MediaSupervisor engine, Member self, String serviceUrl,
            String sfuUrl, double otherTone) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Map<String, Object>> last = new java.util.concurrent.atomic
                .AtomicReference<>();
        await(Duration.ofSeconds(30), () -> {
            Map<String, Object> c = connection(backend.status(2_000));
            last.set(c);
            return "connected".equals(c.get("state")) && "connected".equals(c.get("publisher"))
                    && "connected".equals(c.get("subscriber")) && c.get("audio") instanceof Map<?, ?> au
                    && TestMedia.Heard.matches(new dev.mxrtc.media.AudioLevel(((Number) au.get("rms")).doubleValue(),
                            ((Number) au.get("hz")).doubleValue(), 0), otherTone)
                    && ((Number) au.get("age_ms")).longValue() < 2_000;
        }, "the status of " + self.memberId() + " shows connected peers hearing " + otherTone + " Hz");
        Map<String, Object> status = backend.status(2_000);
        System.out.println("livekit-status " + self.memberId() + ": " + last.get());
        assertEquals("livekit", status.get("transport_type"));
        Map<String, Object> worker = (Map<String, Object>) status.get("media_worker");
        assertEquals(engine.status().pid(), worker.get("pid"));
        assertEquals(engine.status().restarts(), worker.get("restarts"));
        Map<String, Object> c = last.get();
        assertEquals(Sessions4Test.ROOM, c.get("room_id"));
        assertEquals(SlotId.ROOM_CALL.value(), c.get("slot_id"));
        assertEquals(self.memberId(), c.get("member_id"));
        assertEquals(self.userId(), c.get("user_id"));
        assertEquals("joined", c.get("signalling"));
        assertEquals(sfuUrl, c.get("sfu_url"), "the SFU URL: " + c);
        assertEquals(serviceUrl, c.get("service_url"), "the livekit_service_url: " + c);
    }

    @Test
    void twoMembersHearEachOtherThroughTheSfuAndRecover() throws Exception {
        HomeserverMain hs = keep(new HomeserverMain(HomeserverConfig.defaults("localhost", dir.resolve("hs")),
                "127.0.0.1", 0));
        String hsUrl = "http://127.0.0.1:" + hs.port();
        MediaSupervisor sfuEngine = keep(TestMedia.engine());
        MediaSupervisor engineA = keep(TestMedia.engine());
        MediaSupervisor engineB = keep(TestMedia.engine());
        sfu = keep(new FakeMediaSfu(sfuEngine, 1, 5));
        FakeLkJwtService jwt = keep(new FakeLkJwtService(hsUrl, sfu.url()));
        StandaloneClient alice = keep(MatrixClients.open(ClientSettings.password(hsUrl, "alice", "secret-pw",
                dir.resolve("alice")).withRegister(true).withDeviceId("ALICEDEV").withTimeouts(1_000, 10_000)));
        StandaloneClient bob = keep(MatrixClients.open(ClientSettings.password(hsUrl, "bob", "secret-pw",
                dir.resolve("bob")).withRegister(true).withDeviceId("BOBDEV").withTimeouts(1_000, 10_000)));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        LiveKitBackend backendA = keep(new LiveKitBackend(engineA, u -> alice.client().requestOpenIdToken(), http,
                LiveKitSettings.defaults().withToneHz(TONE_A).withConnectTimeout(Duration.ofSeconds(60))));
        LiveKitBackend backendB = keep(new LiveKitBackend(engineB, u -> bob.client().requestOpenIdToken(), http,
                LiveKitSettings.defaults().withToneHz(TONE_B).withConnectTimeout(Duration.ofSeconds(60))));

        Member a = Sessions4Test.sticky("@alice:localhost", "ALICEDEV", "member-a", 1, jwt.url());
        Member b = Sessions4Test.sticky("@bob:localhost", "BOBDEV", "member-b", 2, jwt.url());
        Transport transport = Transport.livekit(jwt.url(), null);
        Session session = new Session(Sessions4Test.ROOM, SlotId.ROOM_CALL, List.of(a, b), 1, Optional.of(transport));

        // join: both members publish and subscribe through the SFU double
        heardA = new TestMedia.Heard();
        heardB = new TestMedia.Heard();
        long t0 = System.nanoTime();
        java.util.concurrent.CompletableFuture<?> fa = backendA.connect(session, a, transport).toCompletableFuture();
        java.util.concurrent.CompletableFuture<?> fb = backendB.connect(session, b, transport).toCompletableFuture();
        LiveKitConnection ca = (LiveKitConnection) fa.get(90, TimeUnit.SECONDS);
        LiveKitConnection cb = (LiveKitConnection) fb.get(90, TimeUnit.SECONDS);
        ca.addAudioListener(heardA::add);
        cb.addAudioListener(heardB::add);
        await(Duration.ofSeconds(60), () -> heardA.first(t0, TONE_B) != null
                && heardB.first(t0, TONE_A) != null, "each member hears the other's tone");
        long livekitJoinMs = (Math.max(heardA.first(t0, TONE_B).nanos(), heardB.first(t0, TONE_A).nanos()) - t0)
                / 1_000_000;
        System.out.printf("livekit-join: both connect stages done in %d ms (publishers connected), both tones heard"
                + " %d ms after connect (A hears %.1f Hz, B hears %.1f Hz; worker restarts during set-up: A %d, B %d,"
                + " SFU %d)%n", (Math.max(ca.connectedNanos(), cb.connectedNanos()) - t0) / 1_000_000, livekitJoinMs,
                heardA.first(t0, TONE_B).level().frequencyHz(), heardB.first(t0, TONE_A).level().frequencyHz(),
                engineA.status().restarts(), engineB.status().restarts(), sfuEngine.status().restarts());
        // the admin console's view: each member's connection is connected, both peers connected, hearing the other
        assertStatus(backendA, engineA, a, jwt.url(), sfu.url(), TONE_B);
        assertStatus(backendB, engineB, b, jwt.url(), sfu.url(), TONE_A);
        assertEquals(java.util.Set.of(a.backendIdentity(), b.backendIdentity()), jwt.grants.stream()
                .map(FakeLkJwtService.Grant::identity).collect(java.util.stream.Collectors.toSet()),
                "identities other members derive");
        assertTrue(jwt.grants.stream().allMatch(g -> g.path().equals("/get_token")), "sticky members use /get_token");
        // more than 2 when libwebrtc aborted a worker during set-up (see build-notes) and a publisher re-published
        assertTrue(sfu.count(SignalRequest.MessageCase.ADD_TRACK) >= 2, "each publisher announced its audio track");
        // (a resume refused after the double's own worker restarted is LiveKit's path to a full reconnect, not a problem)
        assertEquals(List.of(), sfu.problems.stream().filter(p -> !p.startsWith("resume of unknown sid")).toList(),
                "AddTrack before the offer, cid = the offer's msid track");
        // Not asserted: a media worker whose headless audio device module records again after a restart can leak a
        // peer's own audio into what it sends (a media-worker matter, seen once under load); printed instead.
        System.out.printf("livekit-self-echo: reports of a member's own tone: A %d, B %d%n",
                heardA.reports.stream().filter(r -> TestMedia.Heard.matches(r.level(), TONE_A)).count(),
                heardB.reports.stream().filter(r -> TestMedia.Heard.matches(r.level(), TONE_B)).count());

        // resume: the signalling websockets drop; media keeps flowing over the existing peer connections
        long tDrop = System.nanoTime();
        int joinsBefore = sfu.joins.size();
        sfu.dropAll();
        await(Duration.ofSeconds(20), () -> sfu.joins.stream().skip(joinsBefore)
                .filter(FakeMediaSfu.Joined::resumed).count() >= 2, "both members resumed");
        long tResumed = System.nanoTime();
        await(Duration.ofSeconds(45), () -> heardA.first(tResumed, TONE_B) != null
                && heardB.first(tResumed, TONE_A) != null, "tones after the resume");
        long settled = Math.max(heardA.first(tResumed, TONE_B).nanos(), heardB.first(tResumed, TONE_A).nanos());
        long gapResume = Math.max(heardA.longestGapMs(tDrop, settled, TONE_B), heardB.longestGapMs(tDrop, settled, TONE_A));
        System.out.printf("livekit-resume: websockets dropped -> both resumed in %d ms; longest media gap %d ms"
                + " (audio reports come every ~250 ms)%n", (tResumed - tDrop) / 1_000_000, gapResume);
        assertTrue(sfu.joins.stream().skip(joinsBefore).limit(2).allMatch(j -> j.resumed()
                && j.reason() == ReconnectReason.RR_SIGNAL_DISCONNECTED_VALUE), "resumed, not rejoined: " + sfu.joins);

        // full reconnect: the SFU forgot the participants; the members join again and publish again
        long addTracks = sfu.count(SignalRequest.MessageCase.ADD_TRACK);
        long tForget = System.nanoTime();
        int joinsBeforeFull = sfu.joins.size();
        sfu.forgetParticipants();
        sfu.dropAll();
        await(Duration.ofSeconds(30), () -> sfu.joins.stream().skip(joinsBeforeFull)
                .filter(j -> !j.resumed()).count() >= 2, "both members joined again");
        await(Duration.ofSeconds(60), () -> heardA.first(tForget, TONE_B) != null
                && heardB.first(tForget, TONE_A) != null, "tones after the full reconnect");
        long back = Math.max(heardA.first(tForget, TONE_B).nanos(), heardB.first(tForget, TONE_A).nanos());
        System.out.printf("livekit-full-reconnect: SFU forgot the participants -> rejoined, re-published and both"
                + " tones heard again in %d ms%n", (back - tForget) / 1_000_000);
        assertTrue(sfu.count(SignalRequest.MessageCase.ADD_TRACK) >= addTracks + 2, "re-published");
        assertTrue(sfu.problems.stream().allMatch(p -> p.startsWith("resume of unknown sid")), sfu.problems.toString());

        // SIGKILL of member A's media worker: its peers are re-created and renegotiated through LiveKit signalling
        long killed = engineA.status().pid();
        long tKill = System.nanoTime();
        assertTrue(ProcessHandle.of(killed).orElseThrow().destroyForcibly());
        await(Duration.ofSeconds(60), () -> heardA.first(tKill, TONE_B) != null
                && heardB.first(tKill, TONE_A) != null && engineA.status().pid() != killed, "media back after SIGKILL");
        long recovered = Math.max(heardA.first(tKill, TONE_B).nanos(), heardB.first(tKill, TONE_A).nanos());
        System.out.printf("livekit-worker-sigkill: member A's media worker killed -> both tones heard again in %d ms"
                + " (worker restarts: A %d, SFU double %d)%n", (recovered - tKill) / 1_000_000,
                engineA.status().restarts(), sfuEngine.status().restarts());
        assertTrue(sfu.joins.stream().anyMatch(j -> j.reason() == ReconnectReason.RR_SUBSCRIBER_FAILED_VALUE),
                "the subscriber asked the SFU for a new offer: " + sfu.joins);

        // leave: both connections close and the SFU hears the leave requests (a member that is rejoining right then,
        // after the double's own worker restarted, has no socket to send one on: wait until media flows again)
        long tLeave = System.nanoTime();
        await(Duration.ofSeconds(60), () -> heardA.first(tLeave, TONE_B) != null && heardB.first(tLeave, TONE_A) != null
                && connected(a.backendIdentity(), b.backendIdentity()), "tones and open signalling before leaving");
        Map<String, Object> beforeLeaveA = connection(backendA.status(2_000));
        Map<String, Object> beforeLeaveB = connection(backendB.status(2_000));
        String recoveriesA = beforeLeaveA.get("resumes") + " resumes, " + beforeLeaveA.get("reconnects") + " reconnects";
        String recoveriesB = beforeLeaveB.get("resumes") + " resumes, " + beforeLeaveB.get("reconnects") + " reconnects";
        assertTrue((Integer) beforeLeaveA.get("resumes") >= 1 && (Integer) beforeLeaveB.get("resumes") >= 1,
                "the resume was counted: " + beforeLeaveA + " / " + beforeLeaveB);
        // a full reconnect: the SFU refused the resume and the member joined again (counted as a reconnect)
        assertTrue((Integer) beforeLeaveA.get("reconnects") >= 1 && (Integer) beforeLeaveB.get("reconnects") >= 1,
                "the full reconnect was counted: " + beforeLeaveA + " / " + beforeLeaveB);
        long leavesBefore = sfu.count(SignalRequest.MessageCase.LEAVE);
        ca.close();
        cb.close();
        // both are gone from the SFU: the LeaveRequest, or at least the socket closed (a leave can be lost when the close
        // catches the client between sockets after the double's worker restarted; LiveKit then times the participant out)
        await(Duration.ofSeconds(10), () -> {
            try {
                java.util.Set<String> c = sfu.connectedIdentities();
                return !c.contains(a.backendIdentity()) && !c.contains(b.backendIdentity());
            } catch (Exception e) {
                return false;
            }
        }, "both members gone from the SFU");
        long leaves = sfu.count(SignalRequest.MessageCase.LEAVE) - leavesBefore;
        Map<String, Object> afterA = backendA.status(2_000);
        assertEquals(List.of(), afterA.get("connections"), "a closed connection leaves the status view");
        // the recoveries above were counted: both members resumed, then joined again
        System.out.println("livekit-status: recoveries seen in the status before leaving: A " + recoveriesA
                + ", B " + recoveriesB);
        System.out.println("livekit-leave: LeaveRequests received at close: " + leaves + " of 2"
                + (leaves < 2 ? " (the others closed their sockets without one)" : ""));

        // the same two members and media workers in a full mesh: join -> both tones heard
        TestMedia.Heard meshA = new TestMedia.Heard();
        TestMedia.Heard meshB = new TestMedia.Heard();
        try (FullMeshPair mesh = new FullMeshPair(engineA, engineB)) {
            long tm = System.nanoTime();
            mesh.connect(TONE_A, TONE_B, meshA, meshB);
            await(Duration.ofSeconds(30), () -> meshA.first(tm, TONE_B) != null
                    && meshB.first(tm, TONE_A) != null, "full mesh tones");
            long meshJoinMs = (Math.max(meshA.first(tm, TONE_B).nanos(), meshB.first(tm, TONE_A).nanos()) - tm)
                    / 1_000_000;
            System.out.printf("livekit-vs-full-mesh: join -> both tones heard, 2 members: livekit %d ms (OpenID +"
                    + " token + signalling + 2 peer connections each, through the SFU double's worker), full mesh %d ms"
                    + " (1 peer connection, in-memory to-device); ratio %.2f%n", livekitJoinMs, meshJoinMs,
                    livekitJoinMs / (double) Math.max(1, meshJoinMs));
        }
        assertInstanceOf(LiveKitConnection.class, ca);
    }
}
