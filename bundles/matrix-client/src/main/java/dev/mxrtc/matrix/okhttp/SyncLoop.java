package dev.mxrtc.matrix.okhttp;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.matrix.MatrixError;
import dev.mxrtc.matrix.MatrixException;
import dev.mxrtc.matrix.SyncBatch;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The account's own thread: logs in, then long-polls {@code /sync} and hands each batch over.
 *
 * <pre>
 *              start()
 *                 │
 *                 v        login failed (backoff)
 *           LOGGING_IN ─────────────────────────┐
 *             │     ^                           v
 *   logged in │     │ token rejected         BACKOFF ──(wait: retry-after, or
 *             v     │ (and re-login possible)   ^        exponential + jitter)──┐
 *           SYNCING ┘                           │                             │
 *             │  ^ │ 429 / 5xx / network ───────┘                             │
 *             │  │ └───── batch delivered, since token saved ──┐              │
 *             │  └─────────────────────────────────────────────┘ <────────────┘
 *             │ token rejected and no way to log in again
 *             v
 *   any ──stop()──> STOPPED
 * </pre>
 *
 * The since token is written (atomically) only after the batch was handed to every consumer, so a restart resumes
 * where delivery ended: what was handed over is not handed over again, what was not is fetched again (to-device
 * events included, since the server deletes them only when a later since token acknowledges them). A crash between
 * hand-over and the write re-delivers that one batch: the window is the file write.
 */
final class SyncLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);

    enum State { LOGGING_IN, SYNCING, BACKOFF, STOPPED }

    /** How to get a session; returns empty if there is no way to log in again (e.g. only a configured token). */
    interface Login {
        Optional<Session> login();
    }

    /** What to do with the rooms a batch invites the account to (called on the sync thread, after delivery). */
    interface Invites {
        Invites IGNORE = rooms -> { };

        void invited(Set<String> roomIds);
    }

    private final HttpTransport transport;
    private final OkHttpClient syncHttp;
    private final SessionHolder sessions;
    private final Login login;
    private final Consumer<Session> onLogin;
    private final Runnable onTokenRejected;
    private final EventParser parser;
    private final StateFiles files;
    private final SyncDelivery deliver;
    private final Invites invites;
    private final Backoff backoff;
    private final long syncTimeoutMs;
    private final boolean sync;
    private final String name;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<Call> inFlight = new AtomicReference<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.LOGGING_IN);
    private final Thread thread;
    private volatile String since;
    /** set by {@link #wake()}: the cancelled long poll is not a failure */
    private volatile boolean woken;

    SyncLoop(HttpTransport transport, SessionHolder sessions, Login login, Consumer<Session> onLogin,
            Runnable onTokenRejected, EventParser parser, StateFiles files, SyncDelivery deliver, Invites invites,
            Backoff backoff, long syncTimeoutMs, boolean sync, String name) {
        this.transport = transport;
        this.syncHttp = transport.http().newBuilder().readTimeout(Duration.ofMillis(syncTimeoutMs + 30_000)).build();
        this.sessions = sessions;
        this.login = login;
        this.onLogin = onLogin;
        this.onTokenRejected = onTokenRejected;
        this.parser = parser;
        this.files = files;
        this.deliver = deliver;
        this.invites = invites;
        this.backoff = backoff;
        this.syncTimeoutMs = syncTimeoutMs;
        this.sync = sync;
        this.name = name;
        this.since = files.since().orElse(null);
        this.thread = new Thread(this::run, "mxrtc-sync-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops the thread: cancels the long poll, wakes a backoff wait, joins (bounded). Idempotent. */
    void stop() {
        stop.countDown();
        Call c = inFlight.get();
        if (c != null) {
            c.cancel();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("account {}: sync thread did not stop within 5 s", name);
            }
        }
        state.set(State.STOPPED);
    }

    /** Cuts the long poll short so a wanted snapshot is taken now. */
    void wake() {
        woken = true;
        Call c = inFlight.get();
        if (c != null) {
            c.cancel();
        }
    }

    Optional<String> since() {
        return Optional.ofNullable(since);
    }

    State state() {
        return state.get();
    }

    private boolean stopping() {
        return stop.getCount() == 0;
    }

    private void run() {
        int failures = 0;
        while (!stopping()) {
            Optional<Session> current = sessions.current();
            if (current.isEmpty()) {
                state.set(State.LOGGING_IN);
                try {
                    Optional<Session> s = login.login();
                    if (s.isEmpty()) {
                        LOG.error("account {}: no session and no way to log in; sync stopped", name);
                        break;
                    }
                    sessions.set(s.get());
                    onLogin.accept(s.get());
                    LOG.info("account {}: logged in as {} device {}", name, s.get().userId(), s.get().deviceId());
                    failures = 0;
                } catch (MatrixException e) {
                    failures = pause(e.error(), failures, "login");
                } catch (RuntimeException e) {
                    LOG.error("account {}: login failed unexpectedly", name, e);
                    failures = pause(MatrixError.network(e.toString()), failures, "login");
                }
                continue;
            }
            if (!sync) {
                awaitStop();
                break;
            }
            state.set(State.SYNCING);
            try {
                woken = false;
                if (deliver.snapshotWanted()) {
                    snapshotOnce();
                }
                syncOnce();
                failures = 0;
            } catch (MatrixException e) {
                if (stopping()) {
                    break;
                }
                if (woken && e.kind() == dev.mxrtc.matrix.ErrorKind.NETWORK) {
                    continue; // cancelled by wake(): go round for the snapshot
                }
                switch (e.kind()) {
                    case UNKNOWN_TOKEN, MISSING_TOKEN -> {
                        LOG.warn("account {}: access token rejected ({}), logging in again", name,
                                e.error().errcode());
                        sessions.invalidate(current.get());
                        onTokenRejected.run();
                    }
                    case RATE_LIMITED, SERVER_ERROR, NETWORK -> failures = pause(e.error(), failures, "sync");
                    case NOT_FOUND, FORBIDDEN, UNRECOGNIZED, MAX_DELAY_EXCEEDED, CONFLICT, BAD_REQUEST, USER_IN_USE,
                            OTHER -> failures = pause(e.error(), failures, "sync");
                }
            } catch (RuntimeException e) {
                LOG.error("account {}: sync batch failed", name, e);
                failures = pause(MatrixError.network(e.toString()), failures, "sync");
            }
        }
        state.set(State.STOPPED);
        LOG.debug("account {}: sync thread ends", name);
    }

    /** A full sync outside the since chain, for consumers that need the current state. */
    private void snapshotOnce() {
        SyncBatch snapshot = parser.sync(Optional.empty(), request(null, 0));
        if (!stopping()) {
            deliver.snapshot(snapshot);
        }
    }

    private JsonNode request(String from, long timeoutMs) {
        HttpUrl.Builder url = transport.url(Accounts.CLIENT_V3, "sync")
                .addQueryParameter("timeout", Long.toString(timeoutMs));
        if (from != null) {
            url.addQueryParameter("since", from);
        }
        Call call = syncHttp.newCall(transport.request("GET", url.build(), null, true));
        inFlight.set(call);
        if (stopping() || woken) {
            call.cancel();
        }
        try {
            return transport.once(call);
        } finally {
            inFlight.set(null);
        }
    }

    private void syncOnce() {
        String from = since;
        JsonNode answer = request(from, from == null ? 0 : syncTimeoutMs);
        SyncBatch batch = parser.sync(Optional.ofNullable(from), answer);
        if (stopping()) {
            return; // not handed over, so not acknowledged: the next run fetches it again
        }
        deliver.batch(batch);
        files.saveSince(batch.nextBatch());
        since = batch.nextBatch();
        Set<String> invited = new TreeSet<>();
        answer.path("rooms").path("invite").fieldNames().forEachRemaining(invited::add);
        if (!invited.isEmpty()) {
            invites.invited(invited);
        }
    }

    /** Waits out a failure; returns the new failure count. */
    private int pause(MatrixError error, int failures, String what) {
        state.set(State.BACKOFF);
        long wait = error.retryAfterMs().orElse(backoff.delayMs(failures));
        LOG.info("account {}: {} failed with {} ({}): {}; retrying in {} ms", name, what, error.errcode(),
                error.httpStatus(), error.message(), wait);
        try {
            stop.await(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.countDown();
        }
        return failures + 1;
    }

    private void awaitStop() {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
