package dev.mxrtc.itest;

import dev.mxrtc.testsupport.ForkedRuntime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 3 acceptance against the real runtime on its embedded defaults, forked with {@code bin/mxrtc start} on a
 * free port: two matrix-js-sdk 43 clients (node, {@code interop/runtime/peer.mjs}) register on the runtime's own
 * homeserver (Felix HTTP whiteboard), create a room, exchange messages and to-device messages and see each other's
 * state and power levels; the runtime's account {@code @mxrtc:localhost} is invited and joins by itself
 * ({@code auto_join}); a js-sdk {@code MatrixRTCSession} joins in the legacy format with a delayed leave that it
 * keeps restarting, and the core's {@code RtcSessions} has that member; after a SIGKILL of that js-sdk process its
 * delayed leave fires on the homeserver and the member leaves mxrtc's session.
 *
 * <p>What the core sees is read from the runtime's admin console ({@code GET /mxrtc/admin/sessions}), as an
 * operator would.
 */
public class RuntimeInteropIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MXRTC = "@mxrtc:localhost";
    private static final long DELAY_MS = 3_000;
    private static final long RESTART_MS = 1_000;
    /** how often the log and the js-sdk peers are polled: the measured times are this precise */
    private static final Duration POLL = Duration.ofMillis(50);

    @Rule
    public final Timeout timeout = Timeout.seconds(200);

    private ForkedRuntime runtime;
    private JsPeer alice;
    private JsPeer bob;

    @After
    public void stopAll() throws Exception {
        for (JsPeer p : new JsPeer[] {alice, bob}) {
            if (p != null) {
                p.close();
            }
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    public void jsSdkClientsAndTheMxrtcAccountOnTheRuntimesHomeserver() throws Exception {
        JsPeer.interopDir(); // fail early, before starting anything, if matrix-js-sdk is not installed
        runtime = ForkedRuntime.copy(MxrtcOptions.dist(), MxrtcOptions.workDir("interop"));
        int port = ForkedRuntime.freePort();
        String base = "http://127.0.0.1:" + port;
        long t0 = System.nanoTime();
        ForkedRuntime.Result start = runtime.mxrtc(Duration.ofSeconds(90), "start", "MXRTC_HTTP_PORT=" + port);
        assertEquals(start.toString(), 0, start.code());
        System.out.println("interop: runtime started in " + ms(t0) + " ms");
        String console = ForkedRuntime.read(runtime.home().resolve("log/console.log"));
        assertTrue(console, console.contains("mxrtc: started in "));
        assertFalse("every bundle is active:\n" + console, console.contains("WARNING bundle"));

        // the embedded homeserver answers through the Servlet Whiteboard of Felix HTTP
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long served = Waits.until("/_matrix/client/versions", Duration.ofSeconds(30), POLL,
                () -> status(http, base + "/_matrix/client/versions") == 200);
        JsonNode versions = JSON.readTree(get(http, base + "/_matrix/client/versions").body());
        assertTrue(versions.toString(), versions.path("unstable_features").path("org.matrix.msc4140").asBoolean());
        assertEquals(200, status(http, base + "/.well-known/matrix/client"));
        System.out.println("interop: homeserver served " + served + " ms after start returned");

        // the runtime's own account: registered at first start with the generated password
        Waits.until("the mxrtc account logged in", Duration.ofSeconds(60), POLL,
                () -> runtime.logText().contains("account " + MXRTC + ": logged in as " + MXRTC));
        String cfg = ForkedRuntime.read(runtime.home().resolve("etc/dev.mxrtc.matrix.client-mxrtc.cfg"));
        assertTrue("the password placeholder was replaced: " + cfg,
                Pattern.compile("(?m)^password = [A-Za-z0-9_-]{32}$").matcher(cfg).find());

        AdminApi admin = new AdminApi(base);
        assertEquals("ok", admin.json("/health").path("status").asText());

        alice = JsPeer.start("alice", runtime.home().getParent());
        bob = JsPeer.start("bob", runtime.home().getParent());
        JsonNode a = alice.call("start", Map.of("baseUrl", base, "user", "alice", "password", "pw-alice-interop"));
        JsonNode b = bob.call("start", Map.of("baseUrl", base, "user", "bob", "password", "pw-bob-interop"));
        String aliceId = a.path("userId").asText();
        String bobId = b.path("userId").asText();
        String bobDevice = b.path("deviceId").asText();
        assertEquals("@alice:localhost", aliceId);
        assertEquals("@bob:localhost", bobId);

        // a room with both, and mxrtc invited: it joins by itself
        String room = alice.call("createRoom", Map.of("name", "interop", "invite", List.of(bobId, MXRTC)))
                .path("roomId").asText();
        bob.call("join", Map.of("roomId", room));
        t0 = System.nanoTime();
        alice.call("waitMember", Map.of("roomId", room, "userId", MXRTC, "membership", "join"));
        System.out.println("interop: mxrtc (auto_join) seen in the room by alice " + ms(t0) + " ms after bob's join returned");
        assertTrue(runtime.logText().contains("account " + MXRTC + " room " + room + ": invited, joined (auto_join)"));

        // messages and to-device messages, both ways
        alice.call("send", Map.of("roomId", room, "body", "hello bob"));
        assertEquals(aliceId, bob.call("waitMessage", Map.of("roomId", room, "body", "hello bob")).path("sender").asText());
        bob.call("send", Map.of("roomId", room, "body", "hello alice"));
        assertEquals(bobId, alice.call("waitMessage", Map.of("roomId", room, "body", "hello alice")).path("sender").asText());
        alice.call("toDevice", Map.of("userId", bobId, "deviceId", bobDevice, "type", "org.mxrtc.itest.ping",
                "content", Map.of("n", 1)));
        JsonNode ping = bob.call("waitToDevice", Map.of("type", "org.mxrtc.itest.ping"));
        assertEquals(aliceId, ping.path("sender").asText());
        assertEquals(1, ping.path("content").path("n").asInt());
        bob.call("toDevice", Map.of("userId", aliceId, "deviceId", a.path("deviceId").asText(),
                "type", "org.mxrtc.itest.pong", "content", Map.of("n", 2)));
        assertEquals(bobId, alice.call("waitToDevice", Map.of("type", "org.mxrtc.itest.pong")).path("sender").asText());

        // each sees the other's state and the power levels
        List<String> everyone = List.of(aliceId, bobId, MXRTC);
        JsonNode aliceView = alice.call("room", Map.of("roomId", room, "userIds", everyone));
        JsonNode bobView = bob.call("room", Map.of("roomId", room, "userIds", everyone));
        for (JsonNode view : List.of(aliceView, bobView)) {
            assertEquals(view.toString(), "interop", view.path("name").asText());
            assertEquals(view.toString(), 100, view.path("powerLevels").path("users").path(aliceId).asInt());
            assertEquals(view.toString(), 0, view.path("powerLevels").path("events")
                    .path("org.matrix.msc3401.call.member").asInt(-1));
            for (String user : everyone) {
                assertEquals(view.toString(), "join", view.path("members").path(user).asText());
            }
        }
        assertEquals(aliceView.path("powerLevels"), bobView.path("powerLevels"));

        // bob joins the call (legacy state membership, delayed leave restarted every second)
        t0 = System.nanoTime();
        JsonNode joined = bob.call("rtcJoin", Map.of("roomId", room, "delayMs", DELAY_MS, "restartMs", RESTART_MS));
        assertTrue(joined.toString(), joined.path("delayed").path("sent").asInt() >= 1);
        String bobEvent = joined.path("membershipEventId").asText();
        long seen = Waits.until("mxrtc's core to have bob's member", Duration.ofSeconds(20), POLL,
                () -> admin.member(room, bobId, bobDevice).map(m -> m.path("event_id").asText().equals(bobEvent)
                        && m.path("format").asText().equals("legacy")).orElse(false));
        assertEquals("m.call#ROOM", admin.roomSessions(room).path("sessions").path(0).path("slot_id").asText());
        System.out.println("interop: js-sdk joined in " + ms(t0) + " ms; mxrtc's core had the member " + seen
                + " ms after js-sdk saw its own membership");
        assertEquals(bobId, alice.call("rtcStatus", Map.of("roomId", room)).path("memberships").path(0)
                .path("sender").asText());

        // the delayed leave is kept alive: restarts go through for longer than its delay, the member stays
        long alive = System.nanoTime();
        Waits.until("three delayed-leave restarts", Duration.ofSeconds(20), POLL, () -> restarts(bob, room) >= 3);
        Waits.until("longer than the delay", Duration.ofSeconds(10), POLL, () -> ms(alive) > DELAY_MS + 500);
        JsonNode status = bob.call("rtcStatus", Map.of("roomId", room));
        assertEquals(status.toString(), 0, status.path("delayed").path("restartFailed").asInt());
        assertTrue("the member did not leave while its delayed leave was restarted",
                admin.member(room, bobId, bobDevice).isPresent());
        System.out.println("interop: delayed leave restarted " + status.path("delayed").path("restarted").asInt()
                + " times, member kept");

        // SIGKILL: no leave is sent; the homeserver fires the delayed leave and the member leaves mxrtc's session
        t0 = System.nanoTime();
        bob.kill();
        long goneMs = Waits.until("bob's member to leave mxrtc's session", Duration.ofSeconds(30), POLL,
                () -> admin.member(room, bobId, bobDevice).isEmpty());
        System.out.println("interop: SIGKILL of the js-sdk process -> member gone from mxrtc's session: " + goneMs
                + " ms (delayed leave " + DELAY_MS + " ms, last restart up to " + RESTART_MS + " ms earlier)");
        Waits.until("alice's js-sdk to drop bob's membership", Duration.ofSeconds(10), POLL, () -> memberships(alice, room) == 0);

        ForkedRuntime.Result stop = runtime.mxrtc(Duration.ofSeconds(40), "stop");
        assertEquals(stop.toString(), 0, stop.code());

        // a restart resumes the stored session (no second registration, same device), and the account feeds the core
        ForkedRuntime.Result again = runtime.mxrtc(Duration.ofSeconds(90), "start", "MXRTC_HTTP_PORT=" + port);
        assertEquals(again.toString(), 0, again.code());
        Pattern loggedIn = Pattern.compile("account " + Pattern.quote(MXRTC) + ": logged in as " + Pattern.quote(MXRTC)
                + " device (\\S+)");
        Waits.until("the account logged in again", Duration.ofSeconds(60), POLL,
                () -> loggedIn.matcher(runtime.logText()).results().count() == 2);
        assertEquals("registered once", 1, count(runtime.logText(), "password refused, registering"));
        assertEquals("the same device", 1, loggedIn.matcher(runtime.logText()).results().map(m -> m.group(1))
                .distinct().count());
        t0 = System.nanoTime();
        JsonNode aliceJoined = alice.call(Duration.ofSeconds(60), "rtcJoin", Map.of("roomId", room, "delayMs", DELAY_MS, "restartMs", RESTART_MS));
        String aliceEvent = aliceJoined.path("membershipEventId").asText();
        Waits.until("mxrtc's core to have alice's member after the restart", Duration.ofSeconds(30), POLL,
                () -> admin.member(room, aliceId, a.path("deviceId").asText())
                        .map(m -> m.path("event_id").asText().equals(aliceEvent)).orElse(false));
        System.out.println("interop: after a restart of the runtime, alice's call member reached the core in " + ms(t0)
                + " ms");
        stop = runtime.mxrtc(Duration.ofSeconds(40), "stop");
        assertEquals(stop.toString(), 0, stop.code());
        assertFalse("nothing logged at ERROR:\n" + runtime.logText(), runtime.logText().contains(" ERROR "));
    }

    private static long count(String text, String part) {
        return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    private static int restarts(JsPeer peer, String room) {
        try {
            return peer.call("rtcStatus", Map.of("roomId", room)).path("delayed").path("restarted").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int memberships(JsPeer peer, String room) {
        try {
            return peer.call("rtcStatus", Map.of("roomId", room)).path("memberships").size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static int status(HttpClient http, String url) {
        try {
            return get(http, url).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
