package dev.mxrtc.livekit.auth.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import jakarta.servlet.Servlet;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The built bundle in a real Felix with SCR and Config Admin: it resolves with only Jackson, SLF4J, the servlet API
 * and DS from outside (LiveKit's SDK, Kotlin, OkHttp, Retrofit, protobuf embedded), activates from a Config Admin
 * configuration, and registers its whiteboard servlet at the configured path with no secret in the service
 * properties. That very servlet, hosted by a test Jetty, then issues a token for a real homeserver's OpenID token,
 * creating the room through the embedded room-service client against a LiveKit room-service test double.
 */
@Timeout(90)
class BundleResolvesIT {
    static final String KEY = "itKey";
    static final String SECRET = "it-secret-never-in-service-properties";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void resolvesActivatesAndIssuesTokensInFelix() throws Exception {
        try (HomeserverMain hs = new HomeserverMain(HomeserverConfig.defaults("it.test", tmp.resolve("hs")), "127.0.0.1", 0);
                FakeSfu sfu = new FakeSfu()) {
            String hsUrl = "http://127.0.0.1:" + hs.port();
            Map<String, String> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "dev.mxrtc.api;version=0.1.0,org.slf4j;version=2.0.16,"
                    + "jakarta.servlet;version=6.0.0,jakarta.servlet.http;version=6.0.0");
            Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
            fw.start();
            Server jetty = null;
            try {
                BundleContext ctx = fw.getBundleContext();
                List<Bundle> bundles = new ArrayList<>();
                File[] deps = new File(System.getProperty("mxrtc.it.bundles")).listFiles((d, n) -> n.endsWith(".jar"));
                Arrays.sort(deps);
                for (File f : deps) bundles.add(ctx.installBundle(f.toURI().toString()));
                Bundle auth = ctx.installBundle(new File(System.getProperty("mxrtc.it.bundle")).toURI().toString());
                bundles.add(auth);
                for (Bundle b : bundles) b.start();
                assertEquals(Bundle.ACTIVE, auth.getState());
                List<String> imported = new ArrayList<>();
                for (BundleWire w : auth.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package")) {
                    imported.add((String) w.getCapability().getAttributes().get("osgi.wiring.package"));
                }
                assertTrue(imported.stream().noneMatch(p -> p.startsWith("kotlin") || p.startsWith("okhttp3")
                        || p.startsWith("io.livekit") || p.startsWith("com.google")), imported.toString());

                configure(ctx, hsUrl, sfu.url());
                ServiceReference<Servlet> ref = awaitServlet(ctx);
                assertEquals("/livekit/jwt/*", ref.getProperty("osgi.http.whiteboard.servlet.pattern"));
                for (String k : ref.getPropertyKeys()) {
                    assertTrue(!String.valueOf(ref.getProperty(k)).contains(SECRET), "secret in service property " + k);
                }
                assertNull(ref.getProperty("livekit_secret"));

                // host the bundle's own servlet and get a token with a real OpenID token
                jetty = new Server();
                ServerConnector c = new ServerConnector(jetty);
                c.setHost("127.0.0.1");
                c.setPort(0);
                jetty.addConnector(c);
                ServletContextHandler context = new ServletContextHandler();
                context.addServlet(new ServletHolder(ctx.getService(ref)), "/livekit/jwt/*");
                jetty.setHandler(context);
                jetty.start();
                String service = "http://127.0.0.1:" + c.getLocalPort() + "/livekit/jwt";

                ObjectNode reg = JSON.createObjectNode().put("username", "it").put("password", "pw-it");
                String session = JSON.readTree(post(hsUrl + "/_matrix/client/v3/register", null, reg.toString()).body())
                        .path("session").asText();
                reg.putObject("auth").put("type", "m.login.dummy").put("session", session);
                var user = JSON.readTree(post(hsUrl + "/_matrix/client/v3/register", null, reg.toString()).body());
                String userId = user.path("user_id").asText();
                var openId = JSON.readTree(post(hsUrl + "/_matrix/client/v3/user/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)
                        + "/openid/request_token", user.path("access_token").asText(), "{}").body());
                ObjectNode body = JSON.createObjectNode().put("room_id", "!r:it.test").put("slot_id", "m.call#ROOM");
                body.set("openid_token", openId);
                body.putObject("member").put("id", "m").put("claimed_user_id", userId).put("claimed_device_id", "D");
                HttpResponse<String> r = post(service + "/get_token", null, body.toString());
                assertEquals(200, r.statusCode(), r.body());
                String jwt = JSON.readTree(r.body()).path("jwt").asText();
                assertNotNull(JWT.require(Algorithm.HMAC256(SECRET)).withIssuer(KEY).build().verify(jwt).getSubject());
                assertEquals(1, sfu.created.get(), "room created through the embedded room-service client");
            } finally {
                if (jetty != null) jetty.stop();
                fw.stop();
                fw.waitForStop(10_000);
            }
        }
    }

    static HttpResponse<String> post(String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void configure(BundleContext ctx, String hsUrl, String sfuUrl) throws Exception {
        ServiceReference<?> ref = ctx.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        Object admin = ctx.getService(ref);
        Class<?> adminType = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Object cfg = adminType.getMethod("getConfiguration", String.class, String.class)
                .invoke(admin, LiveKitAuthComponent.PID, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("livekit_url", "wss://sfu.it.test");
        props.put("livekit_key", KEY);
        props.put("livekit_secret", SECRET);
        props.put("full_access_homeservers", new String[] {"it.test"});
        props.put("federation_url_overrides", new String[] {"it.test=" + hsUrl});
        props.put("cs_api_url_overrides", new String[] {"it.test=" + hsUrl});
        props.put("room_service_url", sfuUrl);
        Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
        configType.getMethod("update", Dictionary.class).invoke(cfg, props);
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<Servlet> awaitServlet(BundleContext ctx) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(Servlet.class.getName(),
                    "(osgi.http.whiteboard.servlet.name=mxrtc-livekit-auth)");
            if (refs != null) return (ServiceReference<Servlet>) refs[0];
            Thread.sleep(20);
        }
        throw new AssertionError("the servlet was not registered");
    }

    /** TEST DOUBLE for LiveKit's room service (no SFU binary here): answers CreateRoom with an empty Room. */
    static final class FakeSfu implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
        final com.sun.net.httpserver.HttpServer server;

        FakeSfu() throws Exception {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/twirp/livekit.RoomService/CreateRoom", ex -> {
                try (ex) {
                    ex.getRequestBody().readAllBytes();
                    created.incrementAndGet();
                    ex.getResponseHeaders().set("Content-Type", "application/protobuf");
                    ex.sendResponseHeaders(200, -1);
                }
            });
            server.start();
        }

        String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

        @Override
        public void close() { server.stop(0); }
    }
}
