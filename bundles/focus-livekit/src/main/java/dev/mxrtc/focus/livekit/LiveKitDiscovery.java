package dev.mxrtc.focus.livekit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Transport;

/**
 * Finds the LiveKit service (the {@code livekit_service_url} of the lk-jwt-service) a member connects to.
 *
 * <ol>
 * <li><b>The session</b>: with {@code oldest_membership} (legacy members, and sticky members: js-sdk's
 * {@code oldest.getTransport(oldest)}), the oldest member's first {@code livekit} transport; with
 * {@code multi_sfu}, the member's own first one (subscribers use {@link #publishers} for every other).</li>
 * <li><b>The homeserver's transports endpoint</b> {@code GET /_matrix/client/v1/rtc/transports}, then its
 * unstable twin (authenticated), when the member publishes nothing yet: what it should publish.</li>
 * <li><b>{@code .well-known/matrix/client}</b> {@code org.matrix.msc4143.rtc_foci}: what clients deploy today.</li>
 * </ol>
 */
public final class LiveKitDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(LiveKitDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVICE_URL = "livekit_service_url";

    private final HttpClient http;
    private final Duration timeout;

    public LiveKitDiscovery(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * The service a member connects to for publishing, from the session alone.
     *
     * @param self the member connecting
     * @param membersOldestFirst the session's joined members
     * @return the service URL, if the session names one
     */
    public static Optional<String> fromSession(Member self, List<Member> membersOldestFirst) {
        Member oldest = membersOldestFirst.isEmpty() ? self : membersOldestFirst.get(0);
        boolean multiSfu = oldest.format() == MemberFormat.LEGACY && oldest.focusActive()
                .map(f -> f.focusSelection().equals(FocusActive.MULTI_SFU)).orElse(false);
        return serviceUrl(multiSfu ? self : oldest);
    }

    /** @return every distinct service members publish on (first {@code livekit} transport each): multi_sfu subscribers */
    public static List<String> publishers(List<Member> membersOldestFirst) {
        List<String> urls = new ArrayList<>();
        for (Member m : membersOldestFirst) {
            serviceUrl(m).filter(u -> !urls.contains(u)).ifPresent(urls::add);
        }
        return urls;
    }

    static Optional<String> serviceUrl(Member member) {
        return member.transports().stream().filter(t -> t.type().equals(Transport.LIVEKIT)).findFirst()
                .flatMap(t -> t.stringField(SERVICE_URL));
    }

    /**
     * The homeserver's view: its transports endpoint (stable, then unstable; needs the access token), then
     * {@code .well-known/matrix/client}.
     *
     * @param homeserverUrl the client-server API base URL
     * @param accessToken the account's access token, empty to skip the authenticated endpoint
     * @return the first {@code livekit} service URL the homeserver advertises
     */
    public Optional<String> fromHomeserver(String homeserverUrl, Optional<String> accessToken) {
        String base = homeserverUrl.replaceAll("/+$", "");
        if (accessToken.isPresent()) {
            for (String path : List.of("/_matrix/client/v1/rtc/transports",
                    "/_matrix/client/unstable/org.matrix.msc4143/rtc/transports")) {
                Optional<String> url = get(base + path, accessToken).flatMap(b -> firstLivekit(b.path("rtc_transports")));
                if (url.isPresent()) {
                    return url;
                }
            }
        }
        return get(base + "/.well-known/matrix/client", Optional.empty())
                .flatMap(b -> firstLivekit(b.path("org.matrix.msc4143.rtc_foci")));
    }

    private static Optional<String> firstLivekit(JsonNode transports) {
        if (!transports.isArray()) {
            return Optional.empty();
        }
        for (JsonNode t : transports) {
            if (Transport.LIVEKIT.equals(t.path("type").asText()) && t.path(SERVICE_URL).isTextual()
                    && !t.path(SERVICE_URL).asText().isBlank()) {
                return Optional.of(t.path(SERVICE_URL).asText());
            }
        }
        return Optional.empty();
    }

    private Optional<JsonNode> get(String url, Optional<String> accessToken) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        accessToken.ifPresent(t -> req.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                LOG.debug("LiveKit discovery: {} answered {}", url, res.statusCode());
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(res.body()));
        } catch (IOException e) {
            LOG.debug("LiveKit discovery: {} failed: {}", url, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
