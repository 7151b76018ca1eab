package dev.mxrtc.livekit.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.livekit.auth.Requests.LegacyRequest;
import dev.mxrtc.livekit.auth.Requests.OpenIdToken;
import dev.mxrtc.livekit.auth.Requests.TokenRequest;
import io.livekit.server.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitWebhook.WebhookEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * lk-jwt-service's HTTP API, independent of any HTTP server: {@link #handle} takes a method, a path below the mount
 * point, headers and body, and answers status, headers and body exactly as lk-jwt-service does (routes, CORS,
 * error codes and messages). The servlet adapter and the tests' Jetty both sit on top of it.
 */
public final class LiveKitAuthService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveKitAuthService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP answer. */
    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public Reply {
            headers = Map.copyOf(headers);
            body = body.clone();
        }

        @Override
        public byte[] body() { return body.clone(); }

        public String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    private static final Map<String, String> CORS = corsHeaders();

    private final AuthSettings settings;
    private final MatrixServers servers;
    private final TokenIssuer tokens;
    private final SfuRooms rooms;
    private final DelayedLeave delayedLeave;
    private final WebhookReceiver webhooks;
    private volatile boolean closed;

    public LiveKitAuthService(AuthSettings settings, MatrixServers servers, TokenIssuer tokens, SfuRooms rooms,
            DelayedLeave delayedLeave) {
        this.settings = settings;
        this.servers = servers;
        this.tokens = tokens;
        this.rooms = rooms;
        this.delayedLeave = delayedLeave;
        this.webhooks = new WebhookReceiver(settings.apiKey(), settings.apiSecret());
    }

    /**
     * @param path    the request path below the mount point, e.g. {@code /get_token}
     * @param headers header lookup by (case-insensitive) name; null when absent
     */
    public Reply handle(String method, String path, UnaryOperator<String> headers, byte[] body) {
        return switch (path) {
            case "/get_token" -> cors(method, () -> {
                TokenRequest r = Requests.getToken(body);
                return token(r.openIdToken(), r.member().claimedUserId(), r.roomId(), r.slotId(),
                        (user) -> LiveKitNames.identity(user, r.member().claimedDeviceId(), r.member().id()),
                        r.delayId(), r.delayTimeoutMs());
            });
            case "/sfu/get" -> cors(method, () -> {
                LegacyRequest r = Requests.sfuGet(body);
                return token(r.openIdToken(), "", r.room(), LiveKitNames.LEGACY_SLOT,
                        (user) -> LiveKitNames.legacyIdentity(user, r.deviceId()), r.delayId(), r.delayTimeoutMs());
            });
            case "/delegate_delayed_leave" -> cors(method, () -> delegateDelayedLeave(Requests.delegateDelayedLeave(body)));
            case "/sfu_webhook" -> webhook(headers.apply("Authorization"), body);
            case "/healthz" -> "GET".equals(method) || "HEAD".equals(method) ? empty(200, Map.of()) : empty(405, Map.of());
            default -> new Reply(404, Map.of("Content-Type", "text/plain; charset=utf-8"),
                    "404 page not found\n".getBytes(StandardCharsets.UTF_8));
        };
    }

    private interface Endpoint {
        Object run() throws AuthError;
    }

    private Reply cors(String method, Endpoint endpoint) {
        if ("OPTIONS".equals(method)) return empty(200, CORS);
        if (!"POST".equals(method)) return empty(405, CORS);
        if (closed) return error(new AuthError(503, "M_UNKNOWN", "Service is shutting down"));
        try {
            return json(200, endpoint.run());
        } catch (AuthError e) {
            return error(e);
        }
    }

    private interface IdentityOf {
        String of(String userId);
    }

    private Map<String, String> token(OpenIdToken openId, String claimedUser, String roomId, String slotId,
            IdentityOf identityOf, String delayId, long delayTimeoutMs) throws AuthError {
        String user = verify(openId, claimedUser);
        String server = openId.matrixServerName();
        boolean full = settings.fullAccess(server);
        boolean delegates = !delayId.isEmpty();
        if (delegates && !full) {
            throw AuthError.badJson("Delegation of delayed events is only supported for full access users");
        }
        String identity = identityOf.of(user);
        String alias = LiveKitNames.roomAlias(roomId, slotId);
        String jwt;
        try {
            jwt = tokens.joinToken(alias, identity);
        } catch (RuntimeException e) {
            LOG.error("minting a LiveKit token for {} failed", user, e);
            throw AuthError.unknown("Internal Server Error");
        }
        if (full) {
            if (delegates) requireCsApi(server);
            try {
                rooms.create(alias);
            } catch (IOException | RuntimeException e) {
                LOG.error("creating LiveKit room {} for {} failed: {}", alias, user, e.toString());
                throw AuthError.unknown("Unable to create room on SFU");
            }
            if (delegates) delegate(alias, identity, server, delayId, delayTimeoutMs);
        }
        LOG.info("LiveKit token issued: user {} access {} matrix room {} slot {} room {} identity {}", user,
                full ? "full" : "restricted", roomId, slotId, alias, identity);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("url", settings.livekitUrl());
        out.put("jwt", jwt);
        return out;
    }

    private Map<String, String> delegateDelayedLeave(TokenRequest r) throws AuthError {
        String user = verify(r.openIdToken(), r.member().claimedUserId());
        String server = r.openIdToken().matrixServerName();
        if (!settings.fullAccess(server)) {
            throw new AuthError(403, "M_FORBIDDEN", "Delegation of delayed events is only supported for full access users");
        }
        String identity = LiveKitNames.identity(user, r.member().claimedDeviceId(), r.member().id());
        String alias = LiveKitNames.roomAlias(r.roomId(), r.slotId());
        requireCsApi(server);
        delegate(alias, identity, server, r.delayId(), r.delayTimeoutMs());
        return Map.of();
    }

    private String verify(OpenIdToken openId, String claimedUser) throws AuthError {
        Optional<String> sub = servers.openIdUser(openId.matrixServerName(), openId.accessToken());
        if (sub.isEmpty()) throw AuthError.unauthorized();
        if (!claimedUser.isEmpty() && !claimedUser.equals(sub.get())) {
            LOG.warn("claimed user {} does not match the OpenID token's subject {}", claimedUser, sub.get());
            throw AuthError.unauthorized();
        }
        return sub.get();
    }

    private void requireCsApi(String server) throws AuthError {
        Optional<URI> base;
        try {
            base = servers.csApiBase(server).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            base = Optional.empty();
        }
        if (base.isEmpty()) throw AuthError.badJson("Unable to resolve client-server API");
    }

    private void delegate(String alias, String identity, String server, String delayId, long timeoutMs) throws AuthError {
        try {
            delayedLeave.delegate(new DelayedLeave.Key(alias, identity), server, delayId, Duration.ofMillis(timeoutMs))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AuthError(503, "M_UNKNOWN", "Service is shutting down");
        }
    }

    private Reply webhook(String authorization, byte[] body) {
        WebhookEvent event;
        try {
            String auth = authorization == null ? null
                    : authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
            event = webhooks.receive(new String(body, StandardCharsets.UTF_8), auth);
        } catch (RuntimeException e) {
            // as lk-jwt-service: logged and answered 200 with no body; the event is dropped
            LOG.warn("SFU webhook rejected: {}", e.getClass().getSimpleName());
            return empty(200, Map.of());
        }
        String room = event.getRoom().getName();
        String identity = event.getParticipant().getIdentity();
        switch (event.getEvent()) {
            case "participant_joined" -> delayedLeave.participantJoined(room, identity);
            case "participant_left", "participant_connection_aborted" -> delayedLeave.participantLeft(room, identity,
                    event.getParticipant().getDisconnectReason() == DisconnectReason.CLIENT_INITIATED);
            default -> LOG.debug("SFU webhook {} ignored", event.getEvent());
        }
        return empty(200, Map.of());
    }

    private static Reply json(int status, Object value) {
        try {
            Map<String, String> h = new LinkedHashMap<>(CORS);
            return new Reply(status, h, (JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply error(AuthError e) {
        ObjectNode body = JSON.createObjectNode().put("errcode", e.errcode()).put("error", e.getMessage());
        return json(e.status(), body);
    }

    private static Reply empty(int status, Map<String, String> headers) {
        return new Reply(status, headers, new byte[0]);
    }

    private static Map<String, String> corsHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Access-Control-Allow-Origin", "*");
        h.put("Access-Control-Allow-Methods", "POST");
        h.put("Access-Control-Allow-Headers", "Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token");
        return Map.copyOf(h);
    }

    /** Refuses new requests (503) and stops delegations. */
    @Override
    public void close() {
        closed = true;
        try {
            delayedLeave.close();
        } catch (RuntimeException e) {
            LOG.warn("stopping delegated leave failed", e);
        }
    }
}
