package dev.mxrtc.livekit.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * MSC4140 delayed-event actions as lk-jwt-service sends them: unauthenticated
 * {@code POST {cs_api}/_matrix/client/unstable/org.matrix.msc4140/delayed_events/{delay_id}/{action}} with body
 * {@code {}} (the delay id is the capability). The delay id is path-escaped.
 */
public final class DelayedEventActions {
    static final String ENDPOINT = "/_matrix/client/unstable/org.matrix.msc4140/delayed_events/";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** restart or send. */
    public enum Action {
        RESTART("restart"), SEND("send");

        final String path;

        Action(String path) { this.path = path; }
    }

    private final HttpClient http;

    public DelayedEventActions(HttpClient http) {
        this.http = http;
    }

    /** The HTTP status of the action, or 0 when the homeserver could not be reached. */
    public CompletableFuture<Integer> act(URI csApiBase, String delayId, Action action) {
        URI uri = URI.create(MatrixServers.strip(csApiBase) + ENDPOINT + pathSegment(delayId) + "/" + action.path);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, err) -> err != null ? 0 : r.statusCode());
    }

    /** RFC 3986 path-segment escaping (unreserved characters stay, everything else is percent-encoded). */
    static String pathSegment(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
