package dev.mxrtc.homeserver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.http.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The homeserver's settings, validated once.
 *
 * @param serverName     the Matrix server name in user and room ids ({@code localhost})
 * @param dataDir        where the H2 database lives
 * @param registration   who may register
 * @param sharedSecret   the registration token when {@code registration} is {@link Registration#SHARED_SECRET}
 * @param maxDelayMs     longest accepted MSC4140 delay
 * @param maxStickyMs    cap for MSC4354 sticky durations (longer requests are clamped)
 * @param rtcTransports  MSC4143 transports, each a JSON object such as {@code {"type":"livekit","livekit_service_url":"…"}}
 * @param publicBaseUrl  base URL advertised in {@code .well-known}; empty = derived from each request
 * @param maxBodyBytes   larger request bodies are refused with 413 {@code M_TOO_LARGE}
 */
public record HomeserverConfig(String serverName, Path dataDir, Registration registration, String sharedSecret,
                               long maxDelayMs, long maxStickyMs, List<String> rtcTransports, String publicBaseUrl,
                               int maxBodyBytes) {

    /** Who may create accounts. */
    public enum Registration { OPEN, SHARED_SECRET, CLOSED }

    public static final long DEFAULT_MAX_DELAY_MS = 24L * 3600 * 1000;
    public static final long STICKY_LIMIT_MS = 3_600_000L;
    public static final int DEFAULT_MAX_BODY_BYTES = 65_536;

    public HomeserverConfig {
        Objects.requireNonNull(serverName, "serverName");
        if (serverName.isBlank() || serverName.contains("/") || serverName.contains(" ")) {
            throw new IllegalArgumentException("invalid server name: " + serverName);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(registration, "registration");
        sharedSecret = sharedSecret == null ? "" : sharedSecret;
        if (registration == Registration.SHARED_SECRET && sharedSecret.isEmpty()) {
            throw new IllegalArgumentException("shared-secret registration needs a shared secret");
        }
        if (maxDelayMs <= 0) throw new IllegalArgumentException("maxDelayMs must be positive");
        if (maxStickyMs <= 0 || maxStickyMs > STICKY_LIMIT_MS) {
            throw new IllegalArgumentException("maxStickyMs must be in 1.." + STICKY_LIMIT_MS);
        }
        rtcTransports = List.copyOf(rtcTransports);
        for (String t : rtcTransports) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(t);
            } catch (Exception e) {
                throw new IllegalArgumentException("RTC transport is not JSON: " + t, e);
            }
            if (n == null || !n.isObject() || !n.path("type").isTextual()) {
                throw new IllegalArgumentException("RTC transport must be an object with a string 'type': " + t);
            }
        }
        publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
    }

    /** Defaults for a local development server on the given data directory. */
    public static HomeserverConfig defaults(String serverName, Path dataDir) {
        return new HomeserverConfig(serverName, dataDir, Registration.OPEN, "", DEFAULT_MAX_DELAY_MS,
                STICKY_LIMIT_MS, List.of(), "", DEFAULT_MAX_BODY_BYTES);
    }

    public HomeserverConfig withRegistration(Registration mode, String secret) {
        return new HomeserverConfig(serverName, dataDir, mode, secret, maxDelayMs, maxStickyMs, rtcTransports,
                publicBaseUrl, maxBodyBytes);
    }

    public HomeserverConfig withMaxDelayMs(long ms) {
        return new HomeserverConfig(serverName, dataDir, registration, sharedSecret, ms, maxStickyMs, rtcTransports,
                publicBaseUrl, maxBodyBytes);
    }

    public HomeserverConfig withRtcTransports(List<String> transports) {
        return new HomeserverConfig(serverName, dataDir, registration, sharedSecret, maxDelayMs, maxStickyMs,
                transports, publicBaseUrl, maxBodyBytes);
    }
}
