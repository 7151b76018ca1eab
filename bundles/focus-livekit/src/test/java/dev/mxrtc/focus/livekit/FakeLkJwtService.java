package dev.mxrtc.focus.livekit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.mxrtc.api.Member;

/**
 * TEST DOUBLE of lk-jwt-service (not product code): {@code POST /get_token} and {@code POST /sfu/get} with
 * lk-jwt-service's request shapes, identities and room aliases, error codes and {@code {url, jwt}} answer. It
 * checks the OpenID token for real, against the embedded homeserver's federation {@code openid/userinfo}. It stands
 * in for {@code bundles/livekit-auth} so these tests do not depend on that bundle's internals; livekit-auth itself
 * is tested against lk-jwt-service's behaviour in its own module.
 */
final class FakeLkJwtService implements AutoCloseable {

    record Grant(String path, String identity, String room) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String homeserverUrl;
    private final String sfuUrl;
    final List<Grant> grants = new CopyOnWriteArrayList<>();

    FakeLkJwtService(String homeserverUrl, String sfuUrl) throws IOException {
        this.homeserverUrl = homeserverUrl;
        this.sfuUrl = sfuUrl;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/livekit/jwt/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/livekit/jwt";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring("/livekit/jwt".length());
            if (!ex.getRequestMethod().equals("POST")) {
                reply(ex, 405, "{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Method not allowed\"}");
                return;
            }
            JsonNode body;
            try (InputStream in = ex.getRequestBody()) {
                body = JSON.readTree(in);
            } catch (IOException e) {
                reply(ex, 400, "{\"errcode\":\"M_NOT_JSON\",\"error\":\"Error decoding JSON\"}");
                return;
            }
            JsonNode openId = body.path("openid_token");
            String room;
            String user;
            String identityFor;
            switch (path) {
                case "/get_token" -> {
                    JsonNode m = body.path("member");
                    if (!body.path("room_id").isTextual() || !body.path("slot_id").isTextual() || !m.path("id").isTextual()
                            || !m.path("claimed_user_id").isTextual() || !m.path("claimed_device_id").isTextual()
                            || !openId.path("access_token").isTextual()) {
                        reply(ex, 400, "{\"errcode\":\"M_BAD_JSON\",\"error\":\"missing fields\"}");
                        return;
                    }
                    user = userinfo(openId.path("access_token").asText());
                    if (user == null || !user.equals(m.path("claimed_user_id").asText())) {
                        reply(ex, 401, "{\"errcode\":\"M_UNAUTHORIZED\",\"error\":\"The request could not be authorised.\"}");
                        return;
                    }
                    room = Member.hashedIdentity(body.path("room_id").asText(), body.path("slot_id").asText());
                    identityFor = Member.hashedIdentity(user, m.path("claimed_device_id").asText(), m.path("id").asText());
                }
                case "/sfu/get" -> {
                    if (!body.path("room").isTextual() || !body.path("device_id").isTextual()) {
                        reply(ex, 400, "{\"errcode\":\"M_BAD_JSON\",\"error\":\"missing fields\"}");
                        return;
                    }
                    user = userinfo(openId.path("access_token").asText());
                    if (user == null) {
                        reply(ex, 401, "{\"errcode\":\"M_UNAUTHORIZED\",\"error\":\"The request could not be authorised.\"}");
                        return;
                    }
                    room = Member.hashedIdentity(body.path("room").asText(), "m.call#ROOM");
                    identityFor = user + ":" + body.path("device_id").asText();
                }
                default -> {
                    reply(ex, 404, "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"not found\"}");
                    return;
                }
            }
            grants.add(new Grant(path, identityFor, room));
            String jwt = TestJwt.mint(identityFor, room, System.currentTimeMillis() / 1000);
            reply(ex, 200, JSON.writeValueAsString(java.util.Map.of("url", sfuUrl, "jwt", jwt)));
        }
    }

    private String userinfo(String accessToken) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(homeserverUrl
                    + "/_matrix/federation/v1/openid/userinfo?access_token="
                    + URLEncoder.encode(accessToken, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? JSON.readTree(res.body()).path("sub").asText(null) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
