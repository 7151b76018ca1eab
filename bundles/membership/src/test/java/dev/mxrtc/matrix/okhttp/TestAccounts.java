package dev.mxrtc.matrix.okhttp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.matrix.MatrixClient;

/**
 * Opens a real {@code dev.mxrtc.matrix.client} account outside OSGi, for the membership tests (this class sits in
 * the client's implementation package because the account wiring is package-private there).
 */
public final class TestAccounts {

    private TestAccounts() {
    }

    /** A started account: its client and how to stop it (without logging out, like a crash of the runtime). */
    public record Account(MatrixClient client, Runnable stopper) implements AutoCloseable {
        @Override
        public void close() {
            stopper.run();
        }
    }

    /**
     * Registers the user if needed (open registration, m.login.dummy) and logs in.
     *
     * @param requestTimeoutMs the HTTP timeout of every request but the sync long poll
     * @param maxRetries the client's own retries of transient failures (0: every 429/5xx reaches the caller)
     * @param sink gets the sync loop's room events (e.g. the core's session service); null: none
     */
    public static Account open(String url, String user, String deviceId, Path dir, long requestTimeoutMs,
            int maxRetries, RoomEventSink sink) throws InterruptedException {
        AccountSettings s = new AccountSettings(url, user, "pw-" + user, "", "", Optional.of(deviceId), "mxrtc-test",
                true, "", 500, requestTimeoutMs, maxRetries, 50, 500, dir, true);
        SinkFeeder feeder = new SinkFeeder(user);
        if (sink != null) {
            feeder.addSink(sink);
        }
        CountDownLatch ready = new CountDownLatch(1);
        MatrixAccount a = MatrixAccount.open(s, Clock.systemUTC(), feeder, c -> ready.countDown());
        a.start();
        if (!ready.await(10, TimeUnit.SECONDS)) {
            a.stop();
            throw new AssertionError("no login of " + user + " within 10 s");
        }
        return new Account(a.client(), a::stop);
    }
}
