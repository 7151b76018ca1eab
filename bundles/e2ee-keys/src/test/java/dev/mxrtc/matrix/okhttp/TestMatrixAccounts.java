package dev.mxrtc.matrix.okhttp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mxrtc.matrix.MatrixClient;

/**
 * Builds a real matrix-client account outside OSGi. It lives in the client's package because the client exposes its
 * non-OSGi entry point ({@code MatrixAccount.open}) only package-privately (reported as an API request).
 */
public final class TestMatrixAccounts {

    private TestMatrixAccounts() {
    }

    /** A logged-in (registered on first use) account with a short sync long-poll. Close it with the result. */
    public static Started start(String homeserverUrl, String localpart, String deviceId, Path dataDir)
            throws InterruptedException {
        AccountSettings settings = new AccountSettings(homeserverUrl, localpart, "pw-" + localpart, "", "",
                Optional.of(deviceId), "mxrtc-test", true, "", 500, 10_000, 3, 20, 200, dataDir, true);
        CountDownLatch ready = new CountDownLatch(1);
        MatrixAccount account = MatrixAccount.open(settings, Clock.systemUTC(), new SinkFeeder(localpart),
                c -> ready.countDown());
        account.start();
        if (!ready.await(15, TimeUnit.SECONDS)) {
            account.stop();
            throw new AssertionError("no login within 15 s");
        }
        return new Started(account.client(), account::stop);
    }

    public record Started(MatrixClient client, Runnable stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }
}
