package dev.mxrtc.matrix;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open one account with {@link MatrixClients#open} outside OSGi (inside OSGi, configure the factory PID
 * {@code dev.mxrtc.matrix.client} instead; the keys mean the same). {@link #toString()} hides the secrets.
 *
 * @param homeserverUrl the homeserver base URL ({@code https://matrix.example.org})
 * @param userId the full user id ({@code @bot:example.org}) or the localpart
 * @param password the password, empty if none
 * @param accessToken an access token to use instead of logging in, empty if none
 * @param deviceId the device id to log in as, empty to let the server pick (it is then kept in {@code dataDir})
 * @param register register the user with {@code m.login.dummy} if the password is refused (development servers)
 * @param dataDir where the since token and the session are kept (created when missing)
 * @param syncTimeoutMs the long-poll timeout of {@code /sync}
 * @param requestTimeoutMs the timeout of other requests, and of waiting for the first login in {@code open}
 * @param maxRetries retries of a transient failure (429, 5xx, network) per request
 * @param backoffInitialMs the first reconnect/retry backoff delay (doubling, with jitter)
 * @param backoffMaxMs the backoff cap: after an outage, the sync loop retries at least this often
 */
public record ClientSettings(String homeserverUrl, String userId, String password, String accessToken,
        String deviceId, boolean register, Path dataDir, long syncTimeoutMs, long requestTimeoutMs, int maxRetries,
        long backoffInitialMs, long backoffMaxMs) {

    /** The default backoff: 0.5 s doubling up to 60 s. */
    public ClientSettings(String homeserverUrl, String userId, String password, String accessToken, String deviceId,
            boolean register, Path dataDir, long syncTimeoutMs, long requestTimeoutMs, int maxRetries) {
        this(homeserverUrl, userId, password, accessToken, deviceId, register, dataDir, syncTimeoutMs,
                requestTimeoutMs, maxRetries, 500, 60_000);
    }

    public ClientSettings {
        Objects.requireNonNull(homeserverUrl, "homeserverUrl");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(dataDir, "dataDir");
        if (homeserverUrl.isBlank() || userId.isBlank()) {
            throw new IllegalArgumentException("homeserverUrl and userId are required");
        }
        if (password.isEmpty() && accessToken.isEmpty()) {
            throw new IllegalArgumentException("account " + userId + ": a password or an access token is required");
        }
        if (syncTimeoutMs < 0 || requestTimeoutMs <= 0 || maxRetries < 0) {
            throw new IllegalArgumentException("negative timeout or retries");
        }
        if (backoffInitialMs <= 0 || backoffMaxMs < backoffInitialMs) {
            throw new IllegalArgumentException("backoff " + backoffInitialMs + " ... " + backoffMaxMs);
        }
    }

    /** A password login with the defaults: server-picked device, no registration, 30 s sync, 60 s requests, 5 retries. */
    public static ClientSettings password(String homeserverUrl, String userId, String password, Path dataDir) {
        return new ClientSettings(homeserverUrl, userId, password, "", "", false, dataDir, 30_000, 60_000, 5);
    }

    public ClientSettings withDeviceId(String device) {
        return new ClientSettings(homeserverUrl, userId, password, accessToken, device, register, dataDir,
                syncTimeoutMs, requestTimeoutMs, maxRetries, backoffInitialMs, backoffMaxMs);
    }

    public ClientSettings withRegister(boolean on) {
        return new ClientSettings(homeserverUrl, userId, password, accessToken, deviceId, on, dataDir, syncTimeoutMs,
                requestTimeoutMs, maxRetries, backoffInitialMs, backoffMaxMs);
    }

    public ClientSettings withTimeouts(long syncMs, long requestMs) {
        return new ClientSettings(homeserverUrl, userId, password, accessToken, deviceId, register, dataDir, syncMs,
                requestMs, maxRetries, backoffInitialMs, backoffMaxMs);
    }

    public ClientSettings withMaxRetries(int retries) {
        return new ClientSettings(homeserverUrl, userId, password, accessToken, deviceId, register, dataDir,
                syncTimeoutMs, requestTimeoutMs, retries, backoffInitialMs, backoffMaxMs);
    }

    public ClientSettings withBackoff(long initialMs, long maxMs) {
        return new ClientSettings(homeserverUrl, userId, password, accessToken, deviceId, register, dataDir,
                syncTimeoutMs, requestTimeoutMs, maxRetries, initialMs, maxMs);
    }

    @Override
    public String toString() {
        return "ClientSettings[homeserverUrl=" + homeserverUrl + ", userId=" + userId + ", deviceId=" + deviceId
                + ", dataDir=" + dataDir + "]";
    }
}
