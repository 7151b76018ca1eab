package dev.mxrtc.matrix.okhttp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Builds accounts with short timeouts for tests against {@link ScriptedHomeserver}. */
final class Accounts4Test {

    static final String USER = "@bot:hs.test";
    static final String DEVICE = "DEV1";
    static final String TOKEN = "syt_secret_token";

    private Accounts4Test() {
    }

    /** sync 300 ms long poll, 3 s requests, backoff 20 ... 200 ms. */
    static AccountSettings settings(ScriptedHomeserver hs, Path dir) {
        return AccountSettings.of(hs.url(), USER, "pw", dir).withTimeouts(300, 3_000, 20, 200);
    }

    /** A started account whose client is logged in (waits up to 5 s). */
    static MatrixAccount started(AccountSettings settings, SinkFeeder feeder) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(1);
        MatrixAccount a = MatrixAccount.open(settings, Clock.systemUTC(), feeder, c -> ready.countDown());
        a.start();
        if (!ready.await(5, TimeUnit.SECONDS)) {
            a.stop();
            throw new AssertionError("no login within 5 s");
        }
        return a;
    }
}
