package dev.mxrtc.livekit.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mxrtc.livekit.auth.LiveKitAuthService.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The homeserver-native MSC4195 endpoints for one homeserver ({@code native_server_name}), mounted at
 * {@code /_matrix/client/unstable/io.element.msc4195/rtc/livekit/}: {@code get_token} and
 * {@code delegate_delayed_leave}, as matrix-js-sdk 43 calls them ({@code _unstable_getLivekitToken},
 * {@code _unstable_delegateDelayedLeave}).
 *
 * <p>Unlike lk-jwt-service, the caller authenticates with its Matrix access token, and room membership is checked:
 * both through that homeserver's client-server API with the caller's own token ({@code /account/whoami}, then the
 * caller's {@code m.room.member} state in the room). Not joined: 403 {@code M_FORBIDDEN}. {@code url} must be this
 * service's SFU ({@code M_INVALID_PARAM} otherwise); a remote {@code server_name} (federation) is not supported.
 * Delegation reads the delayed event's {@code delay_ms} from the homeserver and refuses less than one hour
 * ({@code M_BAD_JSON}), as the MSC recommends.
 */
public final class NativeEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(NativeEndpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final long MIN_DELEGATED_DELAY_MS = 3_600_000;

    private final String serverName;
    private final AuthSettings settings;
    private final MatrixServers servers;
    private final HttpClient http;
    private final TokenIssuer tokens;
    private final SfuRooms rooms;
    private final DelayedLeave delayedLeave;

    public NativeEndpoints(String serverName, AuthSettings settings, MatrixServers servers, HttpClient http,
            TokenIssuer tokens, SfuRooms rooms, DelayedLeave delayedLeave) {
        this.serverName = serverName;
        this.settings = settings;
        this.servers = servers;
        this.http = http;
        this.tokens = tokens;
        this.rooms = rooms;
        this.delayedLeave = delayedLeave;
    }

    private record Caller(String userId, String deviceId, String accessToken, URI csApi) {
        @Override
        public String toString() { return "Caller[" + userId + "]"; }
    }

    /** @param path below the mount point: {@code /get_token} or {@code /delegate_delayed_leave} */
    public Reply handle(String method, String path, String authorization, byte[] body) {
        if ("OPTIONS".equals(method)) return reply(200, Map.of());
        if (!path.equals("/get_token") && !path.equals("/delegate_delayed_leave")) {
            return error(404, "M_UNRECOGNIZED", "Unrecognized request");
        }
        if (!"POST".equals(method)) return error(405, "M_UNRECOGNIZED", "Unrecognized request");
        try {
            Caller caller = caller(authorization);
            JsonNode req = JSON.readTree(body == null || body.length == 0 ? new byte[] {'{', '}'} : body);
            if (!req.isObject()) throw new AuthError(400, "M_NOT_JSON", "Body must be a JSON object");
            String url = text(req, "url");
            String roomId = text(req, "room_id");
            String slotId = text(req, "slot_id");
            String memberId = text(req.path("member"), "id");
            if (url.isEmpty() || roomId.isEmpty() || slotId.isEmpty() || memberId.isEmpty()) {
                throw new AuthError(400, "M_MISSING_PARAM", "url, room_id, slot_id and member.id are required");
            }
            if (!url.equals(settings.livekitUrl())) throw new AuthError(400, "M_INVALID_PARAM", "url is not one of this server's SFUs");
            String sn = text(req, "server_name");
            if (!sn.isEmpty() && !sn.equals(serverName)) {
                throw new AuthError(400, "M_INVALID_PARAM", "Tokens for other homeservers' SFUs are not supported");
            }
            requireJoined(caller, roomId);
            String device = text(req.path("member"), "claimed_device_id");
            String identity = LiveKitNames.identity(caller.userId(), device.isEmpty() ? caller.deviceId() : device, memberId);
            String alias = LiveKitNames.roomAlias(roomId, slotId);
            if (path.equals("/get_token")) {
                try {
                    rooms.create(alias);
                } catch (IOException | RuntimeException e) {
                    LOG.error("creating LiveKit room {} failed: {}", alias, e.toString());
                    throw AuthError.unknown("Unable to create room on SFU");
                }
                LOG.info("MSC4195 token issued: user {} room {} slot {} identity {}", caller.userId(), roomId, slotId, identity);
                return reply(200, Map.of("jwt", tokens.joinToken(alias, identity)));
            }
            String delayId = text(req, "delay_id");
            if (delayId.isEmpty()) throw new AuthError(400, "M_MISSING_PARAM", "delay_id is required");
            long delayMs = delayMs(caller, delayId);
            if (delayMs < MIN_DELEGATED_DELAY_MS) {
                throw AuthError.badJson("Delegated delayed events need a delay of at least one hour");
            }
            delayedLeave.delegate(new DelayedLeave.Key(alias, identity), serverName, delayId, Duration.ofMillis(delayMs))
                    .get(10, TimeUnit.SECONDS);
            return reply(200, Map.of());
        } catch (AuthError e) {
            return error(e.status(), e.errcode(), e.getMessage());
        } catch (IOException e) {
            return error(400, "M_NOT_JSON", "Body is not JSON");
        } catch (Exception e) {
            LOG.error("MSC4195 request failed: {}", e.toString());
            return error(500, "M_UNKNOWN", "Internal Server Error");
        }
    }

    private Caller caller(String authorization) throws AuthError, IOException, InterruptedException {
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
            throw new AuthError(401, "M_MISSING_TOKEN", "Missing access token");
        }
        String token = authorization.substring(7);
        URI cs = csApi();
        HttpResponse<byte[]> r = get(cs, "/_matrix/client/v3/account/whoami", token);
        if (r.statusCode() != 200) throw new AuthError(401, "M_UNKNOWN_TOKEN", "Unrecognised access token");
        JsonNode who = JSON.readTree(r.body());
        return new Caller(who.path("user_id").asText(), who.path("device_id").asText(""), token, cs);
    }

    private void requireJoined(Caller c, String roomId) throws AuthError, IOException, InterruptedException {
        HttpResponse<byte[]> r = get(c.csApi(), "/_matrix/client/v3/rooms/" + enc(roomId) + "/state/m.room.member/"
                + enc(c.userId()), c.accessToken());
        String membership = r.statusCode() == 200 ? JSON.readTree(r.body()).path("membership").asText("") : "";
        if (!membership.equals("join")) throw new AuthError(403, "M_FORBIDDEN", "You are not joined to this room");
    }

    private long delayMs(Caller c, String delayId) throws AuthError, IOException, InterruptedException {
        HttpResponse<byte[]> r = get(c.csApi(), "/_matrix/client/unstable/org.matrix.msc4140/delayed_events/"
                + DelayedEventActions.pathSegment(delayId), c.accessToken());
        JsonNode d = r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        if (r.statusCode() != 200 || d.has("finalised_ts")) throw new AuthError(404, "M_NOT_FOUND", "No such pending delayed event");
        return d.path("delay_ms").asLong();
    }

    private URI csApi() throws AuthError {
        try {
            Optional<URI> base = servers.csApiBase(serverName).get(10, TimeUnit.SECONDS);
            if (base.isPresent()) return base.get();
        } catch (Exception e) {
            LOG.warn("client-server API of {} not resolvable: {}", serverName, e.toString());
        }
        throw AuthError.unknown("Homeserver unreachable");
    }

    private HttpResponse<byte[]> get(URI base, String path, String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(MatrixServers.strip(base) + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : "";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Reply error(int status, String errcode, String message) {
        return reply(status, Map.of("errcode", errcode, "error", message));
    }

    private static Reply reply(int status, Map<String, String> body) {
        try {
            return new Reply(status, Map.of("Content-Type", "application/json", "Access-Control-Allow-Origin", "*",
                    "Access-Control-Allow-Methods", "POST, OPTIONS",
                    "Access-Control-Allow-Headers", "Authorization, Content-Type"), JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
