package dev.mxrtc.matrix.okhttp;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixException;
import okhttp3.OkHttpClient;

/**
 * One account wired together: HTTP transport, session, client endpoints and the sync loop. Usable without OSGi
 * ({@link #open}); the DS component is a thin shell around it. {@link #start()} and {@link #stop()} are idempotent.
 *
 * <p>Login order: the session kept in the data directory (if it is for this homeserver and user), the configured
 * access token, a login token, the password, and finally registration if enabled and the password was refused.
 */
final class MatrixAccount {

    private static final Logger LOG = LoggerFactory.getLogger(MatrixAccount.class);

    private final AccountSettings settings;
    private final OkHttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();
    private final SessionHolder sessions = new SessionHolder();
    private final StateFiles files;
    private final HttpTransport transport;
    private final Accounts accounts;
    private final HttpMatrixClient client;
    private final SyncLoop loop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean configuredTokenRejected = new AtomicBoolean();
    private final AtomicBoolean loginTokenUsed = new AtomicBoolean();
    private final AtomicBoolean ready = new AtomicBoolean();

    private MatrixAccount(AccountSettings settings, Clock clock, SinkFeeder feeder,
            Consumer<MatrixClient> onReady, boolean autoJoin) {
        this.settings = settings;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofMillis(Math.min(settings.requestTimeoutMs(), 10_000)))
                .readTimeout(Duration.ofMillis(settings.requestTimeoutMs()))
                .writeTimeout(Duration.ofMillis(settings.requestTimeoutMs()))
                .retryOnConnectionFailure(true)
                .build();
        this.files = new StateFiles(settings.dataDir());
        Backoff backoff = new Backoff(settings.backoffInitialMs(), settings.backoffMaxMs(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.transport = new HttpTransport(http, mapper, settings.homeserverUrl(), sessions::token,
                settings.maxRetries(), backoff);
        this.accounts = new Accounts(transport);
        EventParser parser = new EventParser(clock);
        String name = settings.userId();
        // the loop and the client refer to each other only through these callbacks
        SyncLoop[] loopRef = new SyncLoop[1];
        this.client = new HttpMatrixClient(transport, sessions, parser, settings.userId(),
                settings.requestTimeoutMs(), () -> loopRef[0].since(), this::stopFromLogout, clock.millis());
        this.loop = new SyncLoop(transport, sessions, this::login, session -> {
            saveSession(session);
            if (ready.compareAndSet(false, true)) {
                onReady.accept(client);
            }
        }, this::tokenRejected, parser, files, feeder.after(client::dispatch),
                autoJoin ? this::joinInvited : SyncLoop.Invites.IGNORE, backoff, settings.syncTimeoutMs(), settings.sync(), name);
        loopRef[0] = loop;
        feeder.wakeWith(loop::wake);
    }

    /**
     * @param feeder gets every sync batch (after the client's own listeners) and snapshots, on the sync thread
     * @param onReady called once, on the sync thread, after the first login
     */
    static MatrixAccount open(AccountSettings settings, Clock clock, SinkFeeder feeder,
            Consumer<MatrixClient> onReady) {
        return new MatrixAccount(settings, clock, feeder, onReady, false);
    }

    /** As {@link #open(AccountSettings, Clock, SinkFeeder, Consumer)}; with {@code autoJoin} every invite is joined. */
    static MatrixAccount open(AccountSettings settings, Clock clock, SinkFeeder feeder,
            Consumer<MatrixClient> onReady, boolean autoJoin) {
        return new MatrixAccount(settings, clock, feeder, onReady, autoJoin);
    }

    MatrixClient client() {
        return client;
    }

    void start() {
        if (started.compareAndSet(false, true)) {
            loop.start();
        }
    }

    /** Stops syncing and releases HTTP resources; does not log out (the session is kept for the next start). */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.stop();
        } catch (RuntimeException e) {
            LOG.warn("account {}: stopping sync failed", settings.userId(), e);
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("account {}: closing transport failed", settings.userId(), e);
        }
        try {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        } catch (RuntimeException e) {
            LOG.warn("account {}: closing HTTP client failed", settings.userId(), e);
        }
    }

    SyncLoop.State syncState() {
        return loop.state();
    }

    /**
     * Joins the rooms of an invite (auto_join). A failed join is logged and not retried: the invite stays
     * pending on the server and a later invite or restart with a fresh sync offers it again.
     */
    private void joinInvited(java.util.Set<String> roomIds) {
        for (String roomId : roomIds) {
            try {
                client.joinRoom(roomId);
                LOG.info("account {} room {}: invited, joined (auto_join)", settings.userId(), roomId);
            } catch (MatrixException e) {
                LOG.warn("account {} room {}: auto_join failed with {} ({}): {}", settings.userId(), roomId,
                        e.error().errcode(), e.error().httpStatus(), e.error().message());
            }
        }
    }

    private void stopFromLogout() {
        files.deleteSession();
        new Thread(loop::stop, "mxrtc-logout-" + settings.userId()).start();
    }

    private Optional<Session> login() {
        Optional<Session> stored = storedSession();
        if (stored.isPresent()) {
            LOG.debug("account {}: resuming the stored session", settings.userId());
            return stored;
        }
        if (!settings.accessToken().isEmpty() && !configuredTokenRejected.get()) {
            // learn the device and canonical user id of the token
            sessions.set(new Session(settings.userId(), settings.deviceId().orElse(""), settings.accessToken()));
            try {
                var who = accounts.whoAmI();
                return Optional.of(new Session(who.userId(), who.deviceId().or(settings::deviceId).orElse(""),
                        settings.accessToken()));
            } catch (MatrixException e) {
                sessions.set(null);
                if (e.kind() != ErrorKind.UNKNOWN_TOKEN) {
                    throw e;
                }
                configuredTokenRejected.set(true);
                LOG.warn("account {}: the configured access token is rejected", settings.userId());
            }
        }
        if (!settings.loginToken().isEmpty() && loginTokenUsed.compareAndSet(false, true)) {
            return Optional.of(accounts.loginWithToken(settings.loginToken(), settings.deviceId(),
                    settings.initialDeviceDisplayName()));
        }
        if (settings.password().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(accounts.loginWithPassword(settings.userId(), settings.password(),
                    settings.deviceId(), settings.initialDeviceDisplayName()));
        } catch (MatrixException e) {
            if (!settings.register() || e.kind() != ErrorKind.FORBIDDEN) {
                throw e;
            }
            String localpart = Accounts.localpart(settings.userId());
            LOG.info("account {}: password refused, registering {}", settings.userId(), localpart);
            return Optional.of(settings.registrationSharedSecret().isEmpty()
                    ? accounts.registerWithDummyAuth(localpart, settings.password(), settings.deviceId(),
                            settings.initialDeviceDisplayName())
                    : accounts.registerWithSharedSecret(localpart, settings.password(),
                            settings.registrationSharedSecret(), settings.initialDeviceDisplayName()));
        }
    }

    private Optional<Session> storedSession() {
        try {
            Optional<String> text = files.session();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            JsonNode s = mapper.readTree(text.get());
            String user = s.path("user_id").asText("");
            boolean sameUser = user.equals(settings.userId())
                    || Accounts.localpart(user).equals(Accounts.localpart(settings.userId()));
            if (!s.path("homeserver").asText("").equals(settings.homeserverUrl()) || !sameUser) {
                return Optional.empty();
            }
            return Optional.of(new Session(user, s.path("device_id").asText(""), s.path("access_token").asText()));
        } catch (Exception e) {
            LOG.warn("account {}: ignoring an unreadable stored session: {}", settings.userId(), e.toString());
            return Optional.empty();
        }
    }

    private void saveSession(Session s) {
        ObjectNode n = mapper.createObjectNode().put("homeserver", settings.homeserverUrl())
                .put("user_id", s.userId()).put("device_id", s.deviceId()).put("access_token", s.accessToken());
        files.saveSession(n.toString());
    }

    private void tokenRejected() {
        files.deleteSession();
    }
}
