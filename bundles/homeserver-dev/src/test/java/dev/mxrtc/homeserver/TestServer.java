package dev.mxrtc.homeserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** The standalone server on 127.0.0.1:0 with a data directory, plus a small real-HTTP client for tests. */
final class TestServer implements AutoCloseable {
    static final String SERVER_NAME = "test.local";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HomeserverMain main;
    final String base;

    TestServer(HomeserverConfig config) throws Exception {
        this(config, null);
    }

    /** @param idleTimeout Jetty's connection idle timeout (null: its default) */
    TestServer(HomeserverConfig config, Duration idleTimeout) throws Exception {
        this.main = new HomeserverMain(config, "127.0.0.1", 0, idleTimeout);
        this.base = "http://127.0.0.1:" + main.port();
    }

    int port() { return main.port(); }

    Homeserver homeserver() { return main.homeserver(); }

    static TestServer start(Path dataDir) throws Exception {
        return new TestServer(HomeserverConfig.defaults(SERVER_NAME, dataDir));
    }

    @Override
    public void close() {
        main.close();
    }

    record Resp(int status, JsonNode body) {
        String errcode() { return body.path("errcode").asText(null); }

        String text(String field) { return body.path(field).asText(null); }
    }

    /** A logged-in user. */
    record User(String userId, String token, String deviceId) {}

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Resp call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : body instanceof byte[] b ? HttpRequest.BodyPublishers.ofByteArray(b)
                : body instanceof String s ? HttpRequest.BodyPublishers.ofString(s)
                : HttpRequest.BodyPublishers.ofString(Json.write(Json.MAPPER.valueToTree(body)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, pub).header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body());
        return new Resp(r.statusCode(), json);
    }

    Resp get(String path, String token) throws Exception { return call("GET", path, token, null); }

    Resp post(String path, String token, Object body) throws Exception { return call("POST", path, token, body); }

    Resp put(String path, String token, Object body) throws Exception { return call("PUT", path, token, body); }

    /** Registers through the UIA dummy flow exactly as matrix-js-sdk does. */
    User register(String localpart) throws Exception {
        ObjectNode body = Json.object().put("username", localpart).put("password", "pw-" + localpart);
        Resp first = post("/_matrix/client/v3/register", null, body);
        if (first.status() != 401) throw new AssertionError("expected 401 UIA, got " + first);
        body.putObject("auth").put("type", "m.login.dummy").put("session", first.text("session"));
        Resp done = post("/_matrix/client/v3/register", null, body);
        if (done.status() != 200) throw new AssertionError("register failed: " + done);
        return new User(done.text("user_id"), done.text("access_token"), done.text("device_id"));
    }

    String createRoom(User u, Object body) throws Exception {
        Resp r = post("/_matrix/client/v3/createRoom", u.token(), body);
        if (r.status() != 200) throw new AssertionError("createRoom failed: " + r);
        return r.text("room_id");
    }

    Resp send(User u, String roomId, String type, String txn, Object content) throws Exception {
        return put("/_matrix/client/v3/rooms/" + enc(roomId) + "/send/" + enc(type) + "/" + enc(txn), u.token(), content);
    }

    Resp putState(User u, String roomId, String type, String key, Object content) throws Exception {
        return put("/_matrix/client/v3/rooms/" + enc(roomId) + "/state/" + enc(type) + "/" + enc(key), u.token(), content);
    }

    Resp getState(User u, String roomId, String type, String key) throws Exception {
        return get("/_matrix/client/v3/rooms/" + enc(roomId) + "/state/" + enc(type) + "/" + enc(key), u.token());
    }

    Resp sync(User u, String since, long timeoutMs) throws Exception {
        String q = "?timeout=" + timeoutMs + (since == null ? "" : "&since=" + enc(since));
        return get("/_matrix/client/v3/sync" + q, u.token());
    }

    /** Syncs repeatedly (long-polling) until {@code done} holds for some response; bounded by {@code maxMs}. */
    JsonNode syncUntil(User u, String since, long maxMs, Predicate<JsonNode> done) throws Exception {
        long deadline = System.currentTimeMillis() + maxMs;
        String token = since;
        while (System.currentTimeMillis() < deadline) {
            Resp r = sync(u, token, 500);
            if (r.status() != 200) throw new AssertionError("sync failed: " + r);
            if (done.test(r.body())) return r.body();
            token = r.text("next_batch");
        }
        throw new AssertionError("condition not met within " + maxMs + " ms");
    }

    static boolean timelineHas(JsonNode sync, String roomId, Predicate<JsonNode> event) {
        for (JsonNode e : sync.path("rooms").path("join").path(roomId).path("timeline").path("events")) {
            if (event.test(e)) return true;
        }
        return false;
    }
}
