package dev.mxrtc.signalling.websocket;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks a Matrix OpenID token against the homeserver that issued it ({@code GET
 * /_matrix/federation/v1/openid/userinfo?access_token=}), as the LiveKit JWT service does. The verified user must
 * belong to the server the token names. The token is never logged.
 */
final class OpenIdVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(OpenIdVerifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String homeserverUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param homeserverUrl where the homeserver's federation API answers (e.g. {@code http://127.0.0.1:8008}) */
    OpenIdVerifier(String homeserverUrl) {
        this.homeserverUrl = homeserverUrl.endsWith("/") ? homeserverUrl.substring(0, homeserverUrl.length() - 1)
                : homeserverUrl;
    }

    /** @return the user the token belongs to, or empty if the homeserver does not vouch for it */
    CompletableFuture<Optional<String>> verify(String accessToken, String matrixServerName) {
        if (accessToken == null || accessToken.isEmpty() || matrixServerName == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(homeserverUrl + "/_matrix/federation/v1/openid/userinfo"
                + "?access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
            if (err != null) {
                LOG.warn("OpenID userinfo request to {} failed: {}", homeserverUrl, err.toString());
                return Optional.empty();
            }
            if (resp.statusCode() != 200) {
                LOG.info("homeserver refused an OpenID token (HTTP {})", resp.statusCode());
                return Optional.empty();
            }
            try {
                JsonNode sub = JSON.readTree(resp.body()).get("sub");
                if (sub == null || !sub.isTextual() || !sub.asText().endsWith(":" + matrixServerName)) {
                    LOG.info("OpenID userinfo names no user of {}", matrixServerName);
                    return Optional.empty();
                }
                return Optional.of(sub.asText());
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }
}
