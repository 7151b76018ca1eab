package dev.mxrtc.livekit.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to Matrix homeservers on the service's behalf: OpenID verification over federation
 * ({@code GET /_matrix/federation/v1/openid/userinfo}) and the client-server API base for delayed-event actions.
 *
 * <p>Discovery, in order: the configured overrides (the embedded homeserver is reached this way, directly); then
 * {@code https://<server>/.well-known/matrix/server} ({@code m.server}, port 8448 by default) for federation and
 * {@code https://<server>/.well-known/matrix/client} ({@code m.homeserver.base_url}, cached 4 h like lk-jwt-service)
 * for the client-server API; a server name with an explicit port is used as is. DNS SRV records are not consulted.
 */
public final class MatrixServers {
    private static final Logger LOG = LoggerFactory.getLogger(MatrixServers.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CS_API_CACHE_TTL = Duration.ofHours(4);

    private final HttpClient http;
    private final Map<String, URI> csApiOverrides;
    private final Map<String, URI> federationOverrides;
    private final Clock clock;
    private final Map<String, Cached> csApiCache = new ConcurrentHashMap<>();

    private record Cached(URI url, Instant expires) {}

    public MatrixServers(HttpClient http, AuthSettings settings, Clock clock) {
        this.http = http;
        this.csApiOverrides = settings.csApiUrlOverrides();
        this.federationOverrides = settings.federationUrlOverrides();
        this.clock = clock;
    }

    /**
     * The Matrix user id behind an OpenID token, checked by its issuer; empty when the token is refused, the
     * server cannot be reached, or the answered user does not belong to {@code serverName}.
     */
    public Optional<String> openIdUser(String serverName, String accessToken) {
        try {
            URI base = federationBase(serverName);
            URI uri = URI.create(strip(base) + "/_matrix/federation/v1/openid/userinfo?access_token="
                    + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                LOG.info("OpenID userinfo of {} refused the token (HTTP {})", serverName, r.statusCode());
                return Optional.empty();
            }
            String sub = JSON.readTree(r.body()).path("sub").asText("");
            if (!sub.startsWith("@") || !serverName.equals(sub.substring(sub.indexOf(':') + 1)) || sub.indexOf(':') < 0) {
                LOG.warn("OpenID userinfo of {} answered a user of another server: {}", serverName, sub);
                return Optional.empty();
            }
            return Optional.of(sub);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("OpenID userinfo lookup at {} failed: {}", serverName, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The federation base URL of a server name. */
    URI federationBase(String serverName) throws IOException, InterruptedException {
        URI override = federationOverrides.get(serverName);
        if (override != null) return override;
        if (hasPort(serverName)) return URI.create("https://" + serverName);
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("https://" + serverName
                    + "/.well-known/matrix/server")).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200) {
                String delegated = JSON.readTree(r.body()).path("m.server").asText("");
                if (!delegated.isEmpty()) {
                    return URI.create("https://" + (hasPort(delegated) ? delegated : delegated + ":8448"));
                }
            }
        } catch (IOException e) {
            LOG.debug("no .well-known/matrix/server for {}: {}", serverName, e.toString());
        }
        return URI.create("https://" + serverName + ":8448");
    }

    /** The client-server API base of a server name (override, cache, {@code .well-known/matrix/client}). */
    public CompletableFuture<Optional<URI>> csApiBase(String serverName) {
        URI override = csApiOverrides.get(serverName);
        if (override != null) return CompletableFuture.completedFuture(Optional.of(override));
        Cached cached = csApiCache.get(serverName);
        if (cached != null && clock.instant().isBefore(cached.expires())) {
            return CompletableFuture.completedFuture(Optional.of(cached.url()));
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://" + serverName + "/.well-known/matrix/client"))
                .timeout(TIMEOUT).GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).handle((r, err) -> {
            if (err != null || r.statusCode() != 200) {
                LOG.warn("Failed to resolve URL of Client-Server API of {}", serverName);
                return Optional.<URI>empty();
            }
            try {
                JsonNode base = JSON.readTree(r.body()).path("m.homeserver").path("base_url");
                if (!base.isTextual() || base.asText().isEmpty()) return Optional.<URI>empty();
                URI url = URI.create(base.asText());
                csApiCache.put(serverName, new Cached(url, clock.instant().plus(CS_API_CACHE_TTL)));
                return Optional.of(url);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Unreadable .well-known/matrix/client of {}", serverName);
                return Optional.<URI>empty();
            }
        });
    }

    static String strip(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean hasPort(String host) {
        if (host.startsWith("[")) return host.contains("]:");
        return host.indexOf(':') > 0;
    }
}
