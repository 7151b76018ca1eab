package dev.mxrtc.bench.homeserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The few client-server API calls the benchmark makes, over the JDK {@link HttpClient} (HTTP/1.1, one pooled
 * connection per concurrent request). Shared by every simulated client: the clients differ only in their token.
 */
final class HsClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A registered user with its device and token. */
    record User(String userId, String deviceId, String token) {}

    /** A parsed answer. */
    record Response(int status, JsonNode body) {}

    private final HttpClient http;
    private final String base;
    private final AtomicLong txn = new AtomicLong();

    HsClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Response call(String method, String path, String token, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        return new Response(r.statusCode(), json);
    }

    private JsonNode ok(String method, String path, String token, JsonNode body) throws IOException, InterruptedException {
        Response r = call(method, path, token, body, Duration.ofSeconds(60));
        if (r.status() != 200) throw new IOException(method + " " + path + " answered " + r.status() + " " + r.body());
        return r.body();
    }

    /** Registers through the UIA dummy flow (first 401 with a session, then {@code m.login.dummy}). */
    User register(String localpart) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("username", localpart).put("password", "bench-" + localpart);
        Response first = call("POST", "/_matrix/client/v3/register", null, body, Duration.ofSeconds(60));
        if (first.status() != 401) throw new IOException("expected the 401 UIA answer, got " + first.status());
        body.putObject("auth").put("type", "m.login.dummy").put("session", first.body().path("session").asText());
        JsonNode done = ok("POST", "/_matrix/client/v3/register", null, body);
        return new User(done.path("user_id").asText(), done.path("device_id").asText(), done.path("access_token").asText());
    }

    String createRoom(User creator) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("preset", "public_chat").put("name", "bench");
        return ok("POST", "/_matrix/client/v3/createRoom", creator.token(), body).path("room_id").asText();
    }

    void join(User user, String roomId) throws IOException, InterruptedException {
        ok("POST", "/_matrix/client/v3/join/" + enc(roomId), user.token(), JSON.createObjectNode());
    }

    void send(User user, String roomId, String type, JsonNode content) throws IOException, InterruptedException {
        ok("PUT", "/_matrix/client/v3/rooms/" + enc(roomId) + "/send/" + enc(type) + "/b" + txn.incrementAndGet(),
                user.token(), content);
    }

    /** {@code PUT /sendToDevice}: {@code messages} is user id → device id → content. */
    void sendToDevice(User user, String type, ObjectNode messages) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.set("messages", messages);
        ok("PUT", "/_matrix/client/v3/sendToDevice/" + enc(type) + "/t" + txn.incrementAndGet(), user.token(), body);
    }

    /** One {@code /sync}; {@code since} null for an initial sync. */
    JsonNode sync(User user, String since, long timeoutMs, String filter) throws IOException, InterruptedException {
        StringBuilder path = new StringBuilder("/_matrix/client/v3/sync?timeout=").append(timeoutMs)
                .append("&filter=").append(enc(filter));
        if (since != null) path.append("&since=").append(enc(since));
        Response r = call("GET", path.toString(), user.token(), null, Duration.ofMillis(timeoutMs + 30_000));
        if (r.status() != 200) throw new IOException("sync answered " + r.status() + " " + r.body());
        return r.body();
    }

    /** The cheapest authenticated-free request: the no-op round trip of the baseline. */
    void versions() throws IOException, InterruptedException {
        ok("GET", "/_matrix/client/versions", null, null);
    }
}
