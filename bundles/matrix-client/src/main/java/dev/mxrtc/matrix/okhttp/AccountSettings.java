package dev.mxrtc.matrix.okhttp;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One account's settings, independent of OSGi (the DS component maps its configuration to this; tests build it
 * directly). {@link #toString()} hides the secrets.
 *
 * @param homeserverUrl the homeserver base URL ({@code https://matrix.example.org})
 * @param userId the full user id ({@code @bot:example.org}) or the localpart
 * @param password the password, empty if none
 * @param accessToken an access token to use instead of logging in, empty if none
 * @param loginToken an {@code m.login.token}, empty if none
 * @param deviceId the device id to log in as, empty to let the server pick (and keep it in the data directory)
 * @param initialDeviceDisplayName the display name of a new device
 * @param register register the user if password login fails with {@code M_FORBIDDEN} (development servers)
 * @param registrationSharedSecret Synapse shared secret for registration, empty for {@code m.login.dummy}
 * @param syncTimeoutMs the long-poll timeout of {@code /sync}
 * @param requestTimeoutMs the timeout of other requests (and of waiting for the first login)
 * @param maxRetries retries of a transient failure per request
 * @param backoffInitialMs first backoff delay
 * @param backoffMaxMs backoff cap
 * @param dataDir where the since token and session are kept
 * @param sync whether to run the sync loop
 */
record AccountSettings(String homeserverUrl, String userId, String password, String accessToken,
        String loginToken, Optional<String> deviceId, String initialDeviceDisplayName, boolean register,
        String registrationSharedSecret, long syncTimeoutMs, long requestTimeoutMs, int maxRetries,
        long backoffInitialMs, long backoffMaxMs, Path dataDir, boolean sync) {

    public AccountSettings {
        Objects.requireNonNull(homeserverUrl, "homeserverUrl");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(loginToken, "loginToken");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(initialDeviceDisplayName, "initialDeviceDisplayName");
        Objects.requireNonNull(registrationSharedSecret, "registrationSharedSecret");
        Objects.requireNonNull(dataDir, "dataDir");
        if (homeserverUrl.isBlank() || userId.isBlank()) {
            throw new IllegalArgumentException("homeserver_url and user_id are required");
        }
        if (password.isEmpty() && accessToken.isEmpty() && loginToken.isEmpty()) {
            throw new IllegalArgumentException("account " + userId + ": one of password, access_token, login_token");
        }
        if (syncTimeoutMs < 0 || requestTimeoutMs <= 0 || maxRetries < 0) {
            throw new IllegalArgumentException("negative timeout or retries");
        }
    }

    /** Settings with defaults: 30 s sync timeout, 60 s requests, 5 retries, backoff 0.5 ... 60 s. */
    static AccountSettings of(String homeserverUrl, String userId, String password, Path dataDir) {
        return new AccountSettings(homeserverUrl, userId, password, "", "", Optional.empty(), "mxrtc", false, "",
                30_000, 60_000, 5, 500, 60_000, dataDir, true);
    }

    AccountSettings withTimeouts(long syncMs, long requestMs, long backoffInitial, long backoffMax) {
        return new AccountSettings(homeserverUrl, userId, password, accessToken, loginToken, deviceId,
                initialDeviceDisplayName, register, registrationSharedSecret, syncMs, requestMs, maxRetries,
                backoffInitial, backoffMax, dataDir, sync);
    }

    AccountSettings withRegister(boolean reg, String sharedSecret) {
        return new AccountSettings(homeserverUrl, userId, password, accessToken, loginToken, deviceId,
                initialDeviceDisplayName, reg, sharedSecret, syncTimeoutMs, requestTimeoutMs, maxRetries,
                backoffInitialMs, backoffMaxMs, dataDir, sync);
    }

    AccountSettings withDeviceId(String device) {
        return new AccountSettings(homeserverUrl, userId, password, accessToken, loginToken, Optional.of(device),
                initialDeviceDisplayName, register, registrationSharedSecret, syncTimeoutMs, requestTimeoutMs,
                maxRetries, backoffInitialMs, backoffMaxMs, dataDir, sync);
    }

    AccountSettings withAccessToken(String token, boolean withPassword) {
        return new AccountSettings(homeserverUrl, userId, withPassword ? password : "", token, loginToken, deviceId,
                initialDeviceDisplayName, register, registrationSharedSecret, syncTimeoutMs, requestTimeoutMs,
                maxRetries, backoffInitialMs, backoffMaxMs, dataDir, sync);
    }

    AccountSettings withSync(boolean on) {
        return new AccountSettings(homeserverUrl, userId, password, accessToken, loginToken, deviceId,
                initialDeviceDisplayName, register, registrationSharedSecret, syncTimeoutMs, requestTimeoutMs,
                maxRetries, backoffInitialMs, backoffMaxMs, dataDir, on);
    }

    @Override
    public String toString() {
        return "AccountSettings[homeserverUrl=" + homeserverUrl + ", userId=" + userId + ", deviceId="
                + deviceId.orElse("") + ", dataDir=" + dataDir + ", sync=" + sync + "]";
    }
}
