package dev.mxrtc.livekit.auth;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The service's configuration, mirroring lk-jwt-service's environment.
 *
 * @param livekitUrl            {@code LIVEKIT_URL}: the SFU's URL handed to clients ({@code wss://…}); the room service
 *                              is called on the same host over http(s)
 * @param apiKey                {@code LIVEKIT_KEY}
 * @param apiSecret             {@code LIVEKIT_SECRET} (never logged: {@link #toString()} hides it)
 * @param fullAccessHomeservers {@code LIVEKIT_FULL_ACCESS_HOMESERVERS}; {@code ["*"]} means everyone
 * @param csApiUrlOverrides     {@code LIVEKIT_CS_API_URL_OVERRIDES}: server name → client-server API base URL
 * @param federationUrlOverrides server name → federation base URL for OpenID userinfo (no lk-jwt-service twin: the
 *                              embedded homeserver, or servers without federation discovery)
 * @param sanityCheckInterval   {@code LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS}; zero disables the sweep
 * @param roomServiceUrl        where the LiveKit room service (Twirp) is reached; derived from {@code livekitUrl} when
 *                              empty ({@code wss://h} → {@code https://h})
 */
public record AuthSettings(String livekitUrl, String apiKey, String apiSecret, List<String> fullAccessHomeservers,
        Map<String, URI> csApiUrlOverrides, Map<String, URI> federationUrlOverrides, Duration sanityCheckInterval,
        String roomServiceUrl) {

    public AuthSettings {
        Objects.requireNonNull(livekitUrl, "livekitUrl");
        if (livekitUrl.isBlank() || apiKey == null || apiKey.isBlank() || apiSecret == null || apiSecret.isBlank()) {
            throw new IllegalArgumentException("livekit_url, livekit_key and livekit_secret must be set");
        }
        fullAccessHomeservers = List.copyOf(fullAccessHomeservers);
        if (fullAccessHomeservers.isEmpty()) {
            throw new IllegalArgumentException("full_access_homeservers must name the homeserver(s) served, or '*'");
        }
        csApiUrlOverrides = Map.copyOf(csApiUrlOverrides);
        federationUrlOverrides = Map.copyOf(federationUrlOverrides);
        if (sanityCheckInterval == null || sanityCheckInterval.isNegative()) {
            throw new IllegalArgumentException("sanity_check_interval_seconds must be >= 0");
        }
        roomServiceUrl = roomServiceUrl == null || roomServiceUrl.isBlank() ? httpOf(livekitUrl) : roomServiceUrl;
    }

    /** Whether users of this server may create rooms and delegate their delayed leave. */
    public boolean fullAccess(String serverName) {
        if (fullAccessHomeservers.size() == 1 && fullAccessHomeservers.get(0).equals("*")) return true;
        return fullAccessHomeservers.contains(serverName);
    }

    /** lk-jwt-service's list syntax: comma- and/or space-separated. */
    public static List<String> parseList(String raw) {
        return raw == null ? List.of()
                : Arrays.stream(raw.replace(',', ' ').trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code server=url,server2=url2}; a url without scheme gets {@code https://} (README's example form). */
    public static Map<String, URI> parseOverrides(String raw) {
        Map<String, URI> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) return out;
        for (String entry : raw.split(",")) {
            int eq = entry.indexOf('=');
            String server = eq < 0 ? "" : entry.substring(0, eq).trim();
            String url = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (server.isEmpty() || url.isEmpty()) {
                throw new IllegalArgumentException("invalid entry \"" + entry + "\", expected server_name=url");
            }
            out.put(server, URI.create(url.contains("://") ? url : "https://" + url));
        }
        return out;
    }

    /** Reads {@code LIVEKIT_KEY_FILE}'s {@code key:secret} form; returns {key, secret}, trimmed. */
    public static String[] readKeySecretFile(Path file) throws IOException {
        String[] parts = Files.readString(file, StandardCharsets.UTF_8).split(":", -1);
        if (parts.length != 2) throw new IOException("invalid key secret file format");
        return new String[] {trim(parts[0]), trim(parts[1])};
    }

    /** Reads a {@code LIVEKIT_KEY_FROM_FILE} / {@code LIVEKIT_SECRET_FROM_FILE} file, trimmed. */
    public static String readTrimmed(Path file) throws IOException {
        return trim(Files.readString(file, StandardCharsets.UTF_8));
    }

    static String trim(String s) {
        return s.replaceAll("^[ \r\n]+|[ \r\n]+$", "");
    }

    private static String httpOf(String url) {
        if (url.startsWith("wss://")) return "https://" + url.substring(6);
        if (url.startsWith("ws://")) return "http://" + url.substring(5);
        return url;
    }

    @Override
    public String toString() {
        return "AuthSettings[livekitUrl=" + livekitUrl + ", apiKey=" + apiKey + ", apiSecret=<hidden>, fullAccessHomeservers="
                + fullAccessHomeservers + ", csApiUrlOverrides=" + csApiUrlOverrides + ", federationUrlOverrides="
                + federationUrlOverrides + ", sanityCheckInterval=" + sanityCheckInterval + ", roomServiceUrl=" + roomServiceUrl + "]";
    }
}
