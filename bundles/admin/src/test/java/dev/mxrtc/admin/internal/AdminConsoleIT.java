package dev.mxrtc.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;

import dev.mxrtc.api.RoomEventSink;

/**
 * The built bundle in a real Felix 7.0.5 with SCR, Config Admin and Felix HTTP Jetty 12 (the distribution's HTTP
 * bundle set), the core and focus selection: one room goes into the core through its RoomEventSink service, and the
 * console serves it over real HTTP on an ephemeral loopback port. Then: the Drain service, a token configured through
 * Config Admin (and kept out of service properties), and the console without the core (stopped and restarted).
 * The mxrtc API and SLF4J come from the class path through the system bundle, as in matrix-client's BundleResolvesIT,
 * so the test feeds the core with the same RoomEvent class.
 */
@Timeout(90)
class AdminConsoleIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "it-admin-token-5f2c";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * The version the API jar on the class path exports {@code pkg} at (the system bundle exports the API here, so it
     * must match what the admin and core bundles import; the API's package versions move with the API).
     */
    private static String apiVersion(String pkg) throws Exception {
        java.nio.file.Path where = java.nio.file.Path.of(RoomEventSink.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        java.util.jar.Manifest mf;
        if (java.nio.file.Files.isDirectory(where)) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(where.resolve("META-INF/MANIFEST.MF"))) {
                mf = new java.util.jar.Manifest(in);
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(where.toFile())) {
                mf = jar.getManifest();
            }
        }
        String exports = "," + mf.getMainAttributes().getValue("Export-Package");
        int at = exports.indexOf("," + pkg + ";");
        int v = exports.indexOf("version=\"", at);
        if (at < 0 || v < 0) {
            throw new IllegalStateException("the API jar does not export " + pkg + " with a version: " + exports);
        }
        return exports.substring(v + 9, exports.indexOf('"', v + 9));
    }

    @Test
    void servesTheCoresSessionsOverRealHttpInFelix() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "dev.mxrtc.api;version=" + apiVersion("dev.mxrtc.api") + ",dev.mxrtc.api.spi;version="
                        + apiVersion("dev.mxrtc.api.spi") + ","
                        + "org.slf4j;org.slf4j.spi;org.slf4j.event;org.slf4j.helpers;version=2.0.16");
        config.put("org.apache.felix.http.host", "127.0.0.1");
        config.put("org.osgi.service.http.port", "0");
        config.put("org.apache.felix.http.enable", "true");
        config.put("org.apache.felix.https.enable", "false");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        fw.start();
        try {
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            File[] deps = new File(System.getProperty("mxrtc.it.bundles")).listFiles((d, n) -> n.endsWith(".jar"));
            Arrays.sort(deps);
            for (File f : deps) {
                bundles.add(ctx.installBundle(f.toURI().toString()));
            }
            Bundle admin = ctx.installBundle(new File(System.getProperty("mxrtc.it.bundle")).toURI().toString());
            bundles.add(admin);
            for (Bundle b : bundles) {
                if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                    b.start();
                }
            }
            assertEquals(Bundle.ACTIVE, admin.getState());
            Bundle core = Arrays.stream(ctx.getBundles()).filter(b -> "dev.mxrtc.core".equals(b.getSymbolicName()))
                    .findFirst().orElseThrow();

            URI base = URI.create(endpoint(ctx)).resolve("/mxrtc/admin/");
            CoreForTest.await(() -> ctx.getServiceReference(RoomEventSink.class) != null, "the core's RoomEventSink");
            RoomEventSink sink = ctx.getService(ctx.getServiceReference(RoomEventSink.class));
            sink.onRoomEvents(RoomEvents.ROOM, RoomEvents.room(System.currentTimeMillis()));

            // sessions, as the core computed them, over HTTP
            long t0 = System.nanoTime();
            CoreForTest.await(() -> get(base.resolve("sessions"), null).path("sessions").size() == 1,
                    "the room's session at " + base.resolve("sessions"));
            System.out.printf("admin IT: session visible over HTTP %d ms after feeding the core%n",
                    (System.nanoTime() - t0) / 1_000_000);
            JsonNode session = get(base.resolve("sessions"), null).path("sessions").get(0);
            assertEquals(RoomEvents.ROOM, session.path("room_id").asText());
            assertEquals("m.call#ROOM", session.path("slot_id").asText());
            assertEquals(RoomEvents.BOB_MEMBER_ID, session.path("members").get(0).path("member_id").asText());
            assertEquals("@alice:example.org", session.path("members").get(1).path("user_id").asText());
            assertEquals("https://lk-b.example.org",
                    session.path("active_transport").path("livekit_service_url").asText(),
                    "focus selection (a separate bundle) chose the oldest member's transport");
            String roomPath = "rooms/" + RoomEvents.ROOM.replace("!", "%21") + "/rejected";
            assertEquals("wrong_type:expires",
                    get(base.resolve(roomPath), null).path("rejected").get(0).path("reason").asText());

            // health, bundles and SPI services come from the framework itself
            HttpResponse<String> healthResponse = send(base.resolve("health"), "GET", null);
            assertEquals(200, healthResponse.statusCode(), healthResponse.body());
            JsonNode health = MAPPER.readTree(healthResponse.body());
            assertEquals("ok", health.path("status").asText());
            assertEquals(ctx.getBundles().length, health.path("bundles").path("total").asInt());
            assertEquals("available", health.path("core").asText());
            assertTrue(health.path("uptime_ms").asLong() > 0);
            JsonNode bundleList = get(base.resolve("bundles"), null).path("bundles");
            assertEquals(ctx.getBundles().length, bundleList.size());
            assertEquals("org.apache.felix.framework", bundleList.get(0).path("symbolic_name").asText());
            JsonNode selections = get(base.resolve("services?type=dev.mxrtc.api.spi.FocusSelection"), null)
                    .path("services").path("dev.mxrtc.api.spi.FocusSelection");
            List<String> names = new ArrayList<>();
            selections.forEach(s -> {
                names.add(s.path("mxrtc.focus.selection").asText());
                assertEquals("dev.mxrtc.focus.selection", s.path("bundle").path("symbolic_name").asText());
            });
            names.sort(null);
            assertEquals(List.of("multi_sfu", "oldest_membership"), names);
            assertTrue(send(base, "GET", null).body().contains(RoomEvents.BOB_MEMBER_ID), "the HTML page");

            // drain: the exported Drain service other bundles read
            assertEquals(200, send(base.resolve("drain"), "POST", null).statusCode());
            assertTrue(draining(ctx), "Drain.draining() after POST /drain");
            assertTrue(get(base.resolve("health"), null).path("draining").asBoolean());

            // a token through Config Admin: required from now on, and never a service property
            configure(ctx, Map.of("admin_token", TOKEN));
            CoreForTest.await(() -> send(base.resolve("health"), "GET", null).statusCode() == 401,
                    "the token is required");
            assertEquals(200, send(base.resolve("health"), "GET", TOKEN).statusCode());
            assertEquals(401, send(base.resolve("health"), "GET", TOKEN + "x").statusCode());
            assertTrue(draining(ctx), "the flag outlives the console's reconfiguration");
            for (ServiceReference<?> ref : ctx.getAllServiceReferences(null, null)) {
                for (String key : ref.getPropertyKeys()) {
                    assertFalse(String.valueOf(ref.getProperty(key)).contains(TOKEN), "service property " + key);
                }
            }

            // without the core the console still answers, with empty data
            core.stop();
            JsonNode absent = get(base.resolve("sessions"), TOKEN);
            assertEquals("absent", absent.path("core").asText());
            assertEquals(0, absent.path("sessions").size());
            HttpResponse<String> degraded = send(base.resolve("health"), "GET", TOKEN);
            assertEquals(503, degraded.statusCode(), "the stopped core bundle is not ACTIVE");
            assertEquals("dev.mxrtc.core", MAPPER.readTree(degraded.body()).path("bundles").path("not_active").get(0)
                    .path("symbolic_name").asText());
            core.start();
            CoreForTest.await(() -> "available".equals(get(base.resolve("sessions"), TOKEN).path("core").asText()),
                    "the console picks the restarted core up");
            assertEquals(200, send(base.resolve("health"), "GET", TOKEN).statusCode());
        } finally {
            fw.stop();
            fw.waitForStop(10_000);
        }
    }

    private static String endpoint(BundleContext ctx) throws Exception {
        String type = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
        CoreForTest.await(() -> {
            try {
                return ctx.getAllServiceReferences(type, null) != null;
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        }, "the Servlet Whiteboard runtime");
        Object prop = ctx.getAllServiceReferences(type, null)[0].getProperty("osgi.http.endpoint");
        String first = String.valueOf(prop instanceof String[] a ? a[0]
                : prop instanceof java.util.Collection<?> c ? c.iterator().next() : prop);
        assertTrue(first.startsWith("http://127.0.0.1:"), first);
        return first;
    }

    /**
     * Reads the Drain service through its own interface, loaded from the admin bundle. All references: the test's
     * class path has its own copy of dev.mxrtc.admin, so a class-compatible lookup would hide the bundle's service.
     */
    private static boolean draining(BundleContext ctx) throws Exception {
        ServiceReference<?>[] refs = ctx.getAllServiceReferences("dev.mxrtc.admin.Drain", null);
        assertNotNull(refs, "the Drain service");
        ServiceReference<?> ref = refs[0];
        Object drain = ctx.getService(ref);
        try {
            return (Boolean) ref.getBundle().loadClass("dev.mxrtc.admin.Drain").getMethod("draining").invoke(drain);
        } finally {
            ctx.ungetService(ref);
        }
    }

    /** Updates the console's configuration through Config Admin's own classes (reflection: other class space). */
    private static void configure(BundleContext ctx, Map<String, String> values) throws Exception {
        ServiceReference<?> ref = ctx.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        Object cm = ctx.getService(ref);
        Class<?> adminType = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Object cfg = adminType.getMethod("getConfiguration", String.class, String.class)
                .invoke(cm, AdminConsole.PID, "?");
        Dictionary<String, Object> props = new Hashtable<>(values);
        ref.getBundle().loadClass("org.osgi.service.cm.Configuration").getMethod("update", Dictionary.class)
                .invoke(cfg, props);
    }

    private JsonNode get(URI uri, String token) {
        HttpResponse<String> r = send(uri, "GET", token);
        try {
            return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : MAPPER.createObjectNode();
        } catch (IOException e) {
            throw new AssertionError("not JSON from " + uri + ": " + r.body(), e);
        }
    }

    private HttpResponse<String> send(URI uri, String method, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
