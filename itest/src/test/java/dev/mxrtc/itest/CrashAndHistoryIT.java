package dev.mxrtc.itest;

import dev.mxrtc.testsupport.ForkedRuntime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The forked runtime with a matrix-js-sdk 43 client ({@code interop/runtime/peer.mjs}) in one room. The homeserver
 * is the development homeserver as its own process ({@code bin/mxrtc homeserver}), with the runtime's account
 * pointed at it as in production: the runtime's embedded homeserver would die with the runtime's JVM, and with it
 * the delayed leave this test is about.
 * <ol>
 * <li><b>Call history</b>: the client joins and leaves a call; {@code bin/mxrtc history ROOM --json}, a separate JVM
 * reading the running runtime's H2 database, lists that session with the client as its participant.</li>
 * <li><b>Crash (issue 4 acceptance)</b>: the runtime takes part in the room's call itself, through its membership
 * manager, because an operator dropped {@code etc/dev.mxrtc.membership.join-crash.cfg}; the runtime JVM is then
 * killed with SIGKILL (the launcher's pid from {@code run/mxrtc.pid}); the js-sdk client sees the runtime's member
 * gone within the delayed leave's delay + 2 s, and prints {@code crash-to-clean: N ms (delay D ms)}.</li>
 * </ol>
 */
public class CrashAndHistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MXRTC = "@mxrtc:localhost";
    /** the runtime's delayed leave (etc/dev.mxrtc.membership.cfg); the acceptance bound is this + 2 s */
    private static final long DELAY_MS = 4_000;
    private static final long RESTART_MS = 1_500;
    private static final Duration POLL = Duration.ofMillis(50);

    @Rule
    public final Timeout timeout = Timeout.seconds(200);

    private ForkedRuntime runtime;
    private Process homeserver;
    private JsPeer alice;
    private List<ProcessHandle> runtimeProcesses = List.of();

    @After
    public void stopAll() throws Exception {
        if (alice != null) {
            alice.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (homeserver != null && homeserver.isAlive()) {
            homeserver.destroy();
            if (!homeserver.waitFor(20, TimeUnit.SECONDS)) {
                homeserver.destroyForcibly();
            }
        }
        for (ProcessHandle p : runtimeProcesses) { // never leave a runtime or its media worker behind
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    public void historyOfAJsSdkCallAndTheRuntimesMemberGoneAfterSigkill() throws Exception {
        JsPeer.interopDir();
        runtime = ForkedRuntime.copy(MxrtcOptions.dist(), MxrtcOptions.workDir("crash"));
        int hsPort = ForkedRuntime.freePort();
        String hs = "http://127.0.0.1:" + hsPort;
        homeserver = runtime.background("homeserver", "homeserver", "--port", Integer.toString(hsPort), "--data-dir",
                runtime.home().getParent().resolve("homeserver-data").toString());
        Waits.until("bin/mxrtc homeserver on " + hs, Duration.ofSeconds(60), POLL,
                () -> httpStatus(hs + "/_matrix/client/versions") == 200);
        // production layout: no embedded homeserver, the account on the external one
        Files.delete(runtime.home().resolve("etc/dev.mxrtc.homeserver.cfg"));
        Path account = runtime.home().resolve("etc/dev.mxrtc.matrix.client-mxrtc.cfg");
        Files.writeString(account, Files.readString(account).replaceFirst("(?m)^homeserver_url = .*$",
                "homeserver_url = " + hs));
        // the runtime's own memberships: a short delayed leave, restarted well within it
        Files.writeString(runtime.home().resolve("etc/dev.mxrtc.membership.cfg"),
                "delay.ms = " + DELAY_MS + "\nrestart.period.ms = " + RESTART_MS + "\n");
        int port = ForkedRuntime.freePort();
        String base = "http://127.0.0.1:" + port;
        ForkedRuntime.Result start = runtime.mxrtc(Duration.ofSeconds(90), "start", "MXRTC_HTTP_PORT=" + port);
        assertEquals(start.toString(), 0, start.code());
        String console = ForkedRuntime.read(runtime.home().resolve("log/console.log"));
        assertFalse("every bundle is active:\n" + console, console.contains("WARNING bundle"));
        AdminApi admin = new AdminApi(base);
        Waits.until("the admin console", Duration.ofSeconds(30), POLL, () -> status(admin, "/health") == 200);
        JsonNode health = admin.json("/health");
        assertEquals(health.toString(), "ok", health.path("status").asText());
        Waits.until("the mxrtc account logged in", Duration.ofSeconds(60), POLL,
                () -> runtime.logText().contains("account " + MXRTC + ": logged in as " + MXRTC));

        alice = JsPeer.start("alice", runtime.home().getParent());
        JsonNode a = alice.call("start", Map.of("baseUrl", hs, "user", "alice", "password", "pw-alice-crash"));
        String aliceId = a.path("userId").asText();
        String aliceDevice = a.path("deviceId").asText();
        String room = alice.call("createRoom", Map.of("name", "crash", "invite", List.of(MXRTC))).path("roomId").asText();
        alice.call("waitMember", Map.of("roomId", room, "userId", MXRTC, "membership", "join"));

        // 1. a js-sdk call joined and left: the history lists it, read by another JVM while the runtime runs
        JsonNode joined = alice.call("rtcJoin", Map.of("roomId", room, "delayMs", 3_000, "restartMs", 1_000));
        Waits.until("the core to have alice's member", Duration.ofSeconds(20), POLL,
                () -> admin.member(room, aliceId, aliceDevice).isPresent());
        alice.call("rtcLeave", Map.of("roomId", room));
        Waits.until("the session to end in the core", Duration.ofSeconds(20), POLL, () -> admin.members(room).isEmpty());
        long t0 = System.nanoTime();
        JsonNode history = null;
        for (int i = 0; i < 20 && history == null; i++) { // the history is written by its own thread: bounded retry
            ForkedRuntime.Result r = runtime.mxrtc(Duration.ofSeconds(60), "history", room, "--json", "--limit", "5");
            assertEquals(r.toString(), 0, r.code());
            JsonNode h = JSON.readTree(r.out());
            if (h.path("calls").size() == 1 && !h.path("calls").path(0).path("end_ts").isNull()) {
                history = h;
            } else {
                Thread.sleep(250);
            }
        }
        assertTrue("the ended call in bin/mxrtc history", history != null);
        System.out.println("history: bin/mxrtc history read the running runtime's database in " + ms(t0) + " ms");
        assertEquals(room, history.path("room_id").asText());
        JsonNode call = history.path("calls").path(0);
        assertEquals(history.toString(), "m.call#ROOM", call.path("slot_id").asText());
        assertTrue(history.toString(), call.path("duration_ms").asLong() >= 0);
        JsonNode participant = call.path("participants").path(0);
        assertEquals(history.toString(), 1, call.path("participants").size());
        assertEquals(history.toString(), aliceId, participant.path("user_id").asText());
        assertEquals(history.toString(), aliceDevice, participant.path("device_id").asText());
        assertFalse(history.toString(), participant.path("leave_ts").isNull());
        assertFalse(joined.path("membershipEventId").asText().isEmpty());
        ForkedRuntime.Result table = runtime.mxrtc(Duration.ofSeconds(60), "history", room, "--table");
        assertEquals(table.toString(), 0, table.code());
        assertTrue(table.out(), table.out().contains("calls in " + room + ": 1") && table.out().contains(aliceId));

        // 2. the operator makes the runtime take part in the room's call (legacy state membership)
        String transports = "[{\"type\":\"livekit\",\"livekit_service_url\":\"http://127.0.0.1:9/livekit/jwt\"}]";
        Path join = runtime.home().resolve("etc/dev.mxrtc.membership.join-crash.cfg");
        Path tmp = runtime.home().resolve("etc/.join-crash.tmp");
        Files.writeString(tmp, "room = " + room + "\nslot = m.call#ROOM\nformat = LEGACY\ntransports = " + transports
                + "\n");
        Files.move(tmp, join, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        t0 = System.nanoTime();
        JsonNode seen = alice.call(Duration.ofSeconds(40), "rtcWaitMember", Map.of("roomId", room, "userId", MXRTC,
                "timeoutMs", 30_000));
        System.out.println("crash: js-sdk saw the runtime's member " + ms(t0) + " ms after the .cfg was written");
        String mxrtcDevice = seen.path("deviceId").asText();
        Waits.until("the runtime's own member in its core", Duration.ofSeconds(10), POLL,
                () -> admin.member(room, MXRTC, mxrtcDevice).isPresent());
        // keep-alives go through for longer than the delay: the member stays
        Thread.sleep(DELAY_MS + 1_000);
        assertTrue("the runtime's member stays while it runs", admin.member(room, MXRTC, mxrtcDevice).isPresent());
        assertTrue(runtime.logText().contains("participation dev.mxrtc.membership.join-crash.cfg: room " + room));

        // deleting the file leaves cleanly (the leave is sent, no waiting for the delayed leave); writing it again joins
        String firstMember = seen.path("memberId").asText();
        long deletedAt = System.currentTimeMillis();
        Files.delete(join);
        JsonNode left = alice.call(Duration.ofSeconds(30), "rtcWaitGone", Map.of("roomId", room, "userId", MXRTC,
                "timeoutMs", 20_000));
        long leaveMs = left.path("goneTs").asLong() - deletedAt;
        System.out.println("participation: .cfg deleted -> js-sdk saw the member leave in " + leaveMs + " ms");
        assertTrue("a clean leave (" + leaveMs + " ms), not the delayed leave", leaveMs < DELAY_MS);
        Files.writeString(tmp, "room = " + room + "\nslot = m.call#ROOM\nformat = LEGACY\ntransports = " + transports
                + "\n");
        Files.move(tmp, join, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        JsonNode again = alice.call(Duration.ofSeconds(40), "rtcWaitMember", Map.of("roomId", room, "userId", MXRTC,
                "timeoutMs", 30_000));
        assertFalse("a fresh member id after rejoining: " + again, again.path("memberId").asText().equals(firstMember));
        Waits.until("the rejoined member in the runtime's core", Duration.ofSeconds(10), POLL,
                () -> admin.member(room, MXRTC, mxrtcDevice).isPresent());
        Thread.sleep(RESTART_MS + 500); // at least one keep-alive of the new member
        assertFalse("nothing logged at ERROR before the kill:\n" + runtime.logText(),
                runtime.logText().contains(" ERROR "));

        // 3. SIGKILL of the runtime JVM (the launcher's pid): no leave is sent, the keep-alives stop; the homeserver
        //    fires the delayed leave and js-sdk sees the member gone
        long pid = Long.parseLong(Files.readString(runtime.home().resolve("run/mxrtc.pid")).trim());
        ProcessHandle launcher = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no runtime pid " + pid));
        assertTrue(launcher.info().commandLine().orElse(""), launcher.info().commandLine().orElse("")
                .contains("dev.mxrtc.launcher.Main"));
        runtimeProcesses = java.util.stream.Stream.concat(java.util.stream.Stream.of(launcher), launcher.descendants())
                .toList();
        long killedAt = System.currentTimeMillis();
        assertTrue(launcher.destroyForcibly()); // SIGKILL
        JsonNode gone = alice.call(Duration.ofSeconds(DELAY_MS / 1000 + 30), "rtcWaitGone", Map.of("roomId", room,
                "userId", MXRTC, "timeoutMs", DELAY_MS + 20_000));
        long crashToClean = gone.path("goneTs").asLong() - killedAt;
        System.out.println("crash-to-clean: " + crashToClean + " ms (delay " + DELAY_MS + " ms)");
        assertFalse("the member was there until the kill", gone.path("already").asBoolean());
        assertTrue("crash-to-clean " + crashToClean + " ms within the delay + 2 s", crashToClean <= DELAY_MS + 2_000);
        // the server counts from the last keep-alive (normally at most one restart period before the kill), so the
        // member cannot vanish at once: nothing but the delayed leave removes it
        assertTrue("crash-to-clean " + crashToClean + " ms: removed by the delayed leave, not at once",
                crashToClean >= 1_000);
        for (ProcessHandle p : runtimeProcesses) { // the media worker ends with its parent (its stdin closes)
            Waits.until("process " + p.pid() + " to end after the SIGKILL", Duration.ofSeconds(15), POLL,
                    () -> !p.isAlive());
        }
        System.out.println("crash: the runtime's " + (runtimeProcesses.size() - 1) + " child process(es) ended too");
    }

    private static int status(AdminApi admin, String path) {
        try {
            return admin.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int httpStatus(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
