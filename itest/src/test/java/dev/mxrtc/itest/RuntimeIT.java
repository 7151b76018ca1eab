package dev.mxrtc.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;

/**
 * The distribution's bundle set in Felix (Pax Exam, native container): everything resolves and starts, the
 * core's services are there, HTTP serves whiteboard servlets, SLF4J and the OSGi log reach logback, the
 * core computes a session from room events, keeps it across a live replacement of the focus-selection
 * bundle, and survives malformed input.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FOCUS_SELECTION_BSN = "dev.mxrtc.focus.selection";

    @Inject
    private BundleContext context;

    // looked up per test (bounded wait), so a missing core fails only the tests that need it
    private RtcSessions sessions;
    private RoomEventSink sink;

    @Configuration
    public Option[] config() {
        return MxrtcOptions.runtime(MxrtcOptions.workDir("runtime"), 1000);
    }

    @Test
    public void everyBundleIsActive() throws InterruptedException {
        Waits.until("the core bundle", WAIT, () -> bundle("dev.mxrtc.core") != null);
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState());
            }
        }
        assertTrue("not active: " + notActive, notActive.isEmpty());
        for (String bsn : List.of("dev.mxrtc.api", "dev.mxrtc.core", FOCUS_SELECTION_BSN, "org.apache.felix.scr",
                "org.apache.felix.configadmin", "org.apache.felix.fileinstall", "org.apache.felix.http.jetty12",
                "org.apache.aries.spifly.dynamic.bundle", "slf4j.api", "ch.qos.logback.classic",
                "dev.mxrtc.logbridge", "org.apache.felix.log", "com.fasterxml.jackson.core.jackson-databind",
                "dev.mxrtc.matrix.client", "dev.mxrtc.homeserver.dev", "com.h2database", "dev.mxrtc.admin",
                "dev.mxrtc.membership", "dev.mxrtc.app.call", "dev.mxrtc.crypto", "dev.mxrtc.crypto.store",
                "dev.mxrtc.e2ee.keys", "dev.mxrtc.e2ee.schemes", "dev.mxrtc.frame.crypto", "dev.mxrtc.webrtc",
                "dev.mxrtc.media", "bcprov")) {
            assertNotNull("missing bundle " + bsn, bundle(bsn));
        }
    }

    /**
     * The components of the finished bundles are up without configuration (those that need one, the E2EE runtime
     * and the participations, wait for their etc/ file): the services come from the bundles that own them.
     */
    @Test
    public void theFinishedBundlesProvideTheirServices() throws InterruptedException {
        java.util.Map<String, String> services = new java.util.LinkedHashMap<>();
        services.put("dev.mxrtc.membership.RtcParticipants", "dev.mxrtc.membership");
        services.put("dev.mxrtc.call.CallHistory", "dev.mxrtc.app.call");
        services.put("dev.mxrtc.crypto.OlmFactory", "dev.mxrtc.crypto");
        services.put("dev.mxrtc.admin.Drain", "dev.mxrtc.admin");
        services.put("dev.mxrtc.webrtc.WebRtcRuntime", "dev.mxrtc.webrtc");
        services.put("dev.mxrtc.media.MediaEngine", "dev.mxrtc.media");
        List<String> missing = new ArrayList<>();
        for (var e : services.entrySet()) {
            try {
                Waits.until(e.getKey(), WAIT, () -> context.getServiceReference(e.getKey()) != null);
                assertEquals(e.getKey(), e.getValue(), context.getServiceReference(e.getKey()).getBundle().getSymbolicName());
            } catch (AssertionError notThere) {
                missing.add(e.getKey() + " (" + notThere.getMessage() + ")");
            }
        }
        ServiceReference<?>[] schemes;
        try {
            schemes = context.getAllServiceReferences("dev.mxrtc.api.spi.EncryptionScheme", null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        java.util.Set<Object> names = new java.util.TreeSet<>();
        for (ServiceReference<?> r : schemes == null ? new ServiceReference<?>[0] : schemes) {
            names.add(r.getProperty("mxrtc.encryption.scheme"));
        }
        assertTrue("missing services: " + missing, missing.isEmpty());
        assertEquals(java.util.Set.of("per_member", "per_sender_ratchet", "shared_key"), names);
    }

    /** The admin console is on the whiteboard and reports every bundle active. */
    @Test
    public void adminConsoleAnswersHealthOk() throws Exception {
        ServiceReference<HttpServiceRuntime> ref = context.getServiceReference(HttpServiceRuntime.class);
        assertNotNull("no jakarta HttpServiceRuntime (Servlet Whiteboard 2.0)", ref);
        URI health = URI.create(endpoint(ref.getProperty("osgi.http.endpoint"))).resolve("/mxrtc/admin/health");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Waits.until("the admin console at " + health, WAIT, () -> get(http, health).statusCode() == 200);
        HttpResponse<String> r = get(http, health);
        com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        assertEquals(r.body(), "ok", body.path("status").asText());
        assertEquals(r.body(), "available", body.path("core").asText());
        assertEquals(r.body(), 0, body.path("bundles").path("not_active").size());
    }

    private void core() throws InterruptedException {
        Waits.until("RtcSessions and RoomEventSink registered", WAIT,
                () -> context.getServiceReference(RtcSessions.class) != null
                        && context.getServiceReference(RoomEventSink.class) != null);
        sessions = context.getService(context.getServiceReference(RtcSessions.class));
        sink = context.getService(context.getServiceReference(RoomEventSink.class));
    }

    @Test
    public void coreServicesComeFromTheCoreBundle() throws InterruptedException {
        core();
        for (Class<?> type : List.of(RtcSessions.class, RoomEventSink.class)) {
            ServiceReference<?> ref = context.getServiceReference(type);
            assertNotNull(type.getName() + " not registered", ref);
            assertEquals("dev.mxrtc.core", ref.getBundle().getSymbolicName());
        }
    }

    @Test
    public void httpServesWhiteboardServlets() throws Exception {
        ServiceReference<HttpServiceRuntime> ref = context.getServiceReference(HttpServiceRuntime.class);
        assertNotNull("no jakarta HttpServiceRuntime (Servlet Whiteboard 2.0)", ref);
        String endpoint = endpoint(ref.getProperty("osgi.http.endpoint"));
        assertTrue("endpoint " + endpoint, endpoint.startsWith("http://127.0.0.1:"));

        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/itest/ping");
        ServiceRegistration<Servlet> reg = context.registerService(Servlet.class, new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().write("pong");
            }
        }, props);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI ping = URI.create(endpoint).resolve("/itest/ping");
            long ms = Waits.until("the servlet at " + ping, WAIT, () -> get(http, ping).statusCode() == 200);
            HttpResponse<String> r = get(http, ping);
            assertEquals("pong", r.body());
            assertEquals(404, get(http, URI.create(endpoint).resolve("/nothing-here")).statusCode());
            System.out.println("http: servlet served " + ms + " ms after registration at " + ping);
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void slf4jAndTheOsgiLogReachTheLogFile() throws Exception {
        assertTrue("SLF4J is not bound to logback: " + org.slf4j.LoggerFactory.getILoggerFactory().getClass(),
                org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName().startsWith("ch.qos.logback"));
        String marker = "itest-slf4j-" + System.nanoTime();
        org.slf4j.LoggerFactory.getLogger(RuntimeIT.class).warn("marker {}", marker);
        String osgiMarker = "itest-osgi-log-" + System.nanoTime();
        ServiceReference<org.osgi.service.log.LoggerFactory> lf =
                context.getServiceReference(org.osgi.service.log.LoggerFactory.class);
        assertNotNull("no OSGi LoggerFactory (Felix Log)", lf);
        context.getService(lf).getLogger(FrameworkUtil.getBundle(RuntimeIT.class), "itest", org.osgi.service.log.Logger.class)
                .warn("marker {}", osgiMarker);
        Path log = Path.of(System.getProperty("mxrtc.home")).resolve("log/mxrtc.log");
        Waits.until("both markers in " + log, WAIT, () -> {
            try {
                String text = Files.exists(log) ? Files.readString(log) : "";
                return text.contains(marker) && text.contains(osgiMarker);
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    public void sessionSurvivesReplacingTheFocusSelectionBundle() throws Exception {
        core();
        String room = "!update:itest.example";
        long now = System.currentTimeMillis();
        sink.onRoomEvents(room, List.of(
                RoomEvents.join(room, "@alice:itest.example", now - 120_000),
                RoomEvents.join(room, "@bob:itest.example", now - 120_000),
                RoomEvents.legacyMember(room, "@alice:itest.example", "ALICEDEV", now - 60_000,
                        "https://sfu-a.itest.example", "https://sfu-b.itest.example"),
                RoomEvents.legacyMember(room, "@bob:itest.example", "BOBDEV", now - 30_000,
                        "https://sfu-c.itest.example")));
        Waits.until("the session with two members", WAIT,
                () -> sessions.session(room, SlotId.ROOM_CALL).map(s -> s.members().size() == 2).orElse(false));
        Session before = sessions.session(room, SlotId.ROOM_CALL).orElseThrow();
        assertEquals("@alice:itest.example", before.oldest().orElseThrow().userId());
        assertEquals(Optional.of("https://sfu-a.itest.example"), serviceUrl(before));

        Bundle fs = bundle(FOCUS_SELECTION_BSN);
        byte[] v2 = TestBundles.focusSelectionV2(Path.of(URI.create(fs.getLocation())), "0.2.0.itest");
        long t0 = System.nanoTime();
        fs.update(new ByteArrayInputStream(v2));
        long updated = (System.nanoTime() - t0) / 1_000_000;
        long switched = Waits.until("the core to use the v2 oldest_membership", WAIT, () -> sessions
                .session(room, SlotId.ROOM_CALL).flatMap(RuntimeIT::serviceUrl)
                .equals(Optional.of("https://sfu-b.itest.example")));
        System.out.printf("focus-selection update: Bundle.update %d ms, core on v2 after %d ms%n", updated,
                updated + switched);

        assertEquals(Bundle.ACTIVE, fs.getState());
        assertEquals("0.2.0.itest", fs.getVersion().toString());
        Session after = sessions.session(room, SlotId.ROOM_CALL).orElseThrow();
        assertEquals("the session is the same one, not recomputed from scratch", before.startTs(), after.startTs());
        assertEquals(before.members(), after.members());
        assertEquals(Bundle.ACTIVE, bundle("dev.mxrtc.core").getState());
    }

    @Test
    public void malformedEventsAreRejectedAndChangeNothing() throws Exception {
        core();
        String room = "!bad:itest.example";
        long now = System.currentTimeMillis();
        sink.onRoomEvents(room, List.of(RoomEvents.join(room, "@carol:itest.example", now - 10_000),
                RoomEvents.legacyMember(room, "@carol:itest.example", "CAROLDEV", now - 5_000,
                        "https://sfu-a.itest.example")));
        Waits.until("carol's session", WAIT, () -> sessions.session(room, SlotId.ROOM_CALL).isPresent());
        Session good = sessions.session(room, SlotId.ROOM_CALL).orElseThrow();

        String key = "_@mallory:itest.example_M_m.call";
        List<RoomEvent> bad = List.of(
                RoomEvents.state(room, "$b1", RoomEvents.CALL_MEMBER, key, "@mallory:itest.example", now, "{"),
                RoomEvents.state(room, "$b2", RoomEvents.CALL_MEMBER, key, "@mallory:itest.example", now, "[1,2]"),
                RoomEvents.state(room, "$b3", RoomEvents.CALL_MEMBER, key, "@mallory:itest.example", now, "null"),
                RoomEvents.state(room, "$b4", RoomEvents.CALL_MEMBER, key, "@mallory:itest.example", now,
                        "{\"application\":7,\"device_id\":[],\"focus_active\":\"x\",\"call_id\":{}}"),
                RoomEvents.state(room, "$b5", RoomEvents.CALL_MEMBER, key, "@mallory:itest.example", now,
                        "{\"application\":\"m.call\",\"call_id\":\"\",\"device_id\":\"M\","
                                + "\"focus_active\":{\"type\":\"livekit\"},\"created_ts\":\"yesterday\"}"),
                RoomEvents.state(room, "$b6", RoomEvents.CALL_MEMBER, key, "@mallory:itest.example", now,
                        "[".repeat(5000) + "]".repeat(5000)),
                RoomEvents.state(room, "$b7", "org.matrix.msc4143.rtc.member", "", "not-a-user-id", -1, "{\"slot_id\":42}"),
                RoomEvents.state("!elsewhere:itest.example", "$b8", RoomEvents.CALL_MEMBER, key,
                        "@mallory:itest.example", now, "{}"));
        for (RoomEvent e : bad) {
            sink.onRoomEvents(room, List.of(e)); // one by one: none may take the others down
        }
        sink.onRoomEvents(room, bad);

        // the sink's contract: malformed events are rejected with a reason (each of them), and change nothing
        java.util.Set<String> badIds = bad.stream().map(RoomEvent::eventId).collect(java.util.stream.Collectors.toSet());
        Waits.until("every bad event rejected", WAIT, () -> sessions.rejected(room).stream()
                .map(dev.mxrtc.api.RejectedEvent::eventId).collect(java.util.stream.Collectors.toSet())
                .containsAll(badIds));
        Session still = sessions.session(room, SlotId.ROOM_CALL).orElseThrow();
        assertEquals(good.members(), still.members());
        assertEquals(good.activeTransport(), still.activeTransport());
        assertFalse(sessions.rooms().isEmpty());
        everyBundleIsActive();
        System.out.println("bad input: rejections kept " + sessions.rejected(room));
    }

    private Bundle bundle(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst()
                .orElse(null);
    }

    private static Optional<String> serviceUrl(Session s) {
        return s.activeTransport().flatMap(t -> t.stringField("livekit_service_url"));
    }

    private static String endpoint(Object prop) {
        Object first = prop instanceof String[] a ? a[0] : prop instanceof java.util.Collection<?> c
                ? c.iterator().next() : prop;
        return String.valueOf(first);
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
