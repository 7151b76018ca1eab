package dev.mxrtc.itest;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The forked runtime's admin console ({@code /mxrtc/admin}, loopback, no token): what the core computes, as an
 * operator sees it. Used instead of a test bundle to read the core's sessions and members.
 */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** @param httpBase e.g. {@code http://127.0.0.1:8008} */
    AdminApi(String httpBase) {
        this.base = httpBase + "/mxrtc/admin";
    }

    /** GET a console path; the status and the parsed body (null if not JSON). */
    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The members of every session of the room (from {@code /sessions}, the whole-runtime listing). */
    List<JsonNode> members(String roomId) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode s : json("/sessions").path("sessions")) {
                if (s.path("room_id").asText().equals(roomId)) {
                    s.path("members").forEach(out::add);
                }
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The member of that user and device in the room's sessions, if the core has one. */
    Optional<JsonNode> member(String roomId, String userId, String deviceId) {
        return members(roomId).stream().filter(m -> m.path("user_id").asText().equals(userId)
                && m.path("device_id").asText().equals(deviceId)).findFirst();
    }

    /** {@code /rooms/{room}/sessions} with the room id percent-encoded. */
    JsonNode roomSessions(String roomId) throws Exception {
        return json("/rooms/" + URLEncoder.encode(roomId, StandardCharsets.UTF_8) + "/sessions");
    }
}
