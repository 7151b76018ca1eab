package dev.mxrtc.livekit.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.Homeserver;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.livekit.auth.osgi.LiveKitAuthServlet;
import io.livekit.server.AccessToken;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Everything real that the service talks to, on 127.0.0.1 with ephemeral ports: homeserver A ({@value #HS_A}, with a
 * clock the test can move forward, full access) and homeserver B ({@value #HS_B}, the standalone launcher, restricted)
 * as OpenID issuers and delayed-event hosts, the LiveKit room-service test double, and the service itself on Jetty.
 */
final class TestWorld implements AutoCloseable {
    static final String HS_A = "hs-a.test";
    static final String HS_B = "hs-b.test";
    static final String KEY = "APIkeyForTests";
    static final String SECRET = "test-secret-that-must-never-be-logged-0123456789";
    static final String LIVEKIT_URL = "wss://sfu.test/livekit/sfu";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final OffsetClock clockA = new OffsetClock();
    final Homeserver homeserverA;
    final Server jettyA;
    final HomeserverMain homeserverB;
    final FakeLiveKitRoomService sfu;
    final LiveKitAuth auth;
    final Server jettyAuth;
    final String baseA;
    final String baseB;
    final String service;

    /** A clock that tests can move forward (expired OpenID tokens). */
    static final class OffsetClock extends Clock {
        final AtomicLong offsetMs = new AtomicLong();

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return Instant.now().plusMillis(offsetMs.get()); }
    }

    TestWorld(Path dir, Duration sanityInterval) throws Exception {
        homeserverA = new Homeserver(HomeserverConfig.defaults(HS_A, dir.resolve("a")).withMaxDelayMs(7_200_000), clockA);
        // homeserver A's origin also serves the MSC4195 homeserver-native endpoints (once the service exists)
        java.util.concurrent.atomic.AtomicReference<NativeEndpoints> nativeRef = new java.util.concurrent.atomic.AtomicReference<>();
        jettyA = jetty(Map.of("/_matrix/*", homeserverA.servlet(), dev.mxrtc.livekit.auth.osgi.NativeEndpointsServlet.PATTERN,
                new jakarta.servlet.http.HttpServlet() {
                    @Override
                    public void service(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res)
                            throws java.io.IOException, jakarta.servlet.ServletException {
                        new dev.mxrtc.livekit.auth.osgi.NativeEndpointsServlet(nativeRef.get()).service(req, res);
                    }
                }));
        baseA = "http://127.0.0.1:" + port(jettyA);
        homeserverB = new HomeserverMain(HomeserverConfig.defaults(HS_B, dir.resolve("b")), "127.0.0.1", 0);
        baseB = "http://127.0.0.1:" + homeserverB.port();
        sfu = new FakeLiveKitRoomService(KEY, SECRET);
        Map<String, URI> servers = Map.of(HS_A, URI.create(baseA), HS_B, URI.create(baseB));
        AuthSettings settings = new AuthSettings(LIVEKIT_URL, KEY, SECRET, List.of(HS_A), servers, servers,
                sanityInterval, sfu.url());
        auth = LiveKitAuth.start(settings, HS_A, Clock.systemUTC());
        nativeRef.set(auth.nativeEndpoints().orElseThrow());
        jettyAuth = jetty(Map.of("/livekit/jwt/*", new LiveKitAuthServlet(auth.service())));
        service = "http://127.0.0.1:" + port(jettyAuth) + "/livekit/jwt";
    }

    static Server jetty(Map<String, Servlet> servlets) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setUriCompliance(UriCompliance.UNSAFE);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        servlets.forEach((pattern, servlet) -> context.addServlet(new ServletHolder(servlet), pattern));
        server.setHandler(context);
        server.setStopTimeout(0); // no graceful wait for the test clients' keep-alive connections
        server.start();
        return server;
    }

    static int port(Server s) { return ((ServerConnector) s.getConnectors()[0]).getLocalPort(); }

    @Override
    public void close() throws Exception {
        jettyAuth.stop();
        auth.close();
        sfu.close();
        homeserverB.close();
        jettyA.stop();
        homeserverA.close();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    record Resp(int status, HttpResponse<String> raw, JsonNode json) {
        String errcode() { return json.path("errcode").asText(null); }

        String header(String name) { return raw.headers().firstValue(name).orElse(null); }
    }

    static Resp call(String method, String url, String token, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (Exception e) {
            json = JSON.createObjectNode();
        }
        return new Resp(r.statusCode(), r, json);
    }

    Resp service(String method, String path, String body) throws Exception {
        return call(method, service + path, null, body, Map.of());
    }

    /** A webhook as the SFU sends it: JSON body, Authorization = JWT (iss = API key) with the body's sha256. */
    Resp webhook(String event, String room, String identity, String disconnectReason) throws Exception {
        return call("POST", service + "/sfu_webhook", null, webhookBody(event, room, identity, disconnectReason),
                Map.of("Authorization", signWebhook(webhookBody(event, room, identity, disconnectReason), SECRET)));
    }

    static String webhookBody(String event, String room, String identity, String disconnectReason) {
        ObjectNode b = JSON.createObjectNode().put("event", event).put("id", "EV_" + System.nanoTime())
                .put("createdAt", String.valueOf(System.currentTimeMillis() / 1000));
        b.putObject("room").put("sid", "RM_x").put("name", room);
        ObjectNode p = b.putObject("participant").put("sid", "PA_x").put("identity", identity).put("state", "ACTIVE");
        if (disconnectReason != null) p.put("disconnectReason", disconnectReason);
        return b.toString();
    }

    static String signWebhook(String body, String secret) throws Exception {
        AccessToken t = new AccessToken(KEY, secret);
        t.setSha256(Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8))));
        return t.toJwt();
    }

    // ---- Matrix --------------------------------------------------------------------------------------------------

    record User(String base, String userId, String token, String deviceId) {}

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    static User register(String base, String localpart) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("username", localpart).put("password", "pw-" + localpart);
        Resp first = call("POST", base + "/_matrix/client/v3/register", null, body.toString(), Map.of());
        body.putObject("auth").put("type", "m.login.dummy").put("session", first.json().path("session").asText());
        Resp done = call("POST", base + "/_matrix/client/v3/register", null, body.toString(), Map.of());
        if (done.status() != 200) throw new AssertionError("register failed: " + done.json());
        return new User(base, done.json().path("user_id").asText(), done.json().path("access_token").asText(),
                done.json().path("device_id").asText());
    }

    static JsonNode openId(User u) throws Exception {
        Resp r = call("POST", u.base() + "/_matrix/client/v3/user/" + enc(u.userId()) + "/openid/request_token", u.token(), "{}", Map.of());
        if (r.status() != 200) throw new AssertionError("openid failed: " + r.json());
        return r.json();
    }

    static String createRoom(User u) throws Exception {
        // public, and call memberships open to everyone (as Element Call's rooms have them)
        String body = "{\"preset\":\"public_chat\",\"power_level_content_override\":{\"events\":"
                + "{\"org.matrix.msc3401.call.member\":0}}}";
        Resp r = call("POST", u.base() + "/_matrix/client/v3/createRoom", u.token(), body, Map.of());
        if (r.status() != 200) throw new AssertionError("createRoom failed: " + r.json());
        return r.json().path("room_id").asText();
    }

    static void join(User u, String roomId) throws Exception {
        Resp r = call("POST", u.base() + "/_matrix/client/v3/join/" + enc(roomId), u.token(), "{}", Map.of());
        if (r.status() != 200) throw new AssertionError("join failed: " + r.json());
    }

    static String memberStateKey(User u) { return "_" + u.userId() + "_" + u.deviceId() + "_m.call"; }

    /** Schedules the delayed leave (empty membership state) and sends the join, as js-sdk does; answers the delay id. */
    static String joinCall(User u, String roomId, long delayMs) throws Exception {
        String path = u.base() + "/_matrix/client/v3/rooms/" + enc(roomId) + "/state/org.matrix.msc3401.call.member/"
                + enc(memberStateKey(u));
        Resp delayed = call("PUT", path + "?org.matrix.msc4140.delay=" + delayMs, u.token(), "{}", Map.of());
        if (delayed.status() != 200) throw new AssertionError("delayed leave failed: " + delayed.json());
        ObjectNode join = JSON.createObjectNode().put("application", "m.call").put("call_id", "").put("scope", "m.room")
                .put("device_id", u.deviceId()).put("expires", 14_400_000);
        Resp sent = call("PUT", path, u.token(), join.toString(), Map.of());
        if (sent.status() != 200) throw new AssertionError("join failed: " + sent.json());
        return delayed.json().path("delay_id").asText();
    }

    /** Whether the member's call membership is still in the room state (not yet replaced by the empty leave). */
    static boolean inCall(User u, String roomId) throws Exception {
        Resp r = call("GET", u.base() + "/_matrix/client/v3/rooms/" + enc(roomId) + "/state/org.matrix.msc3401.call.member/"
                + enc(memberStateKey(u)), u.token(), null, Map.of());
        return r.status() == 200 && r.json().size() > 0;
    }

    static ObjectNode tokenRequest(JsonNode openId, String roomId, String memberId, User u) {
        ObjectNode b = JSON.createObjectNode().put("room_id", roomId).put("slot_id", "m.call#ROOM");
        b.set("openid_token", openId);
        b.putObject("member").put("id", memberId).put("claimed_user_id", u.userId()).put("claimed_device_id", u.deviceId());
        return b;
    }
}
