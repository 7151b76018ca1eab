package dev.mxrtc.matrix.okhttp;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixClientFactory;
import dev.mxrtc.matrix.StandaloneClient;

/** The {@link java.util.ServiceLoader} provider of {@link dev.mxrtc.matrix.MatrixClients}: the same account wiring as the DS component. */
public final class StandaloneFactory implements MatrixClientFactory {

    @Override
    public StandaloneClient open(ClientSettings s) throws InterruptedException {
        AccountSettings settings = new AccountSettings(s.homeserverUrl(), s.userId(), s.password(), s.accessToken(),
                "", s.deviceId().isBlank() ? Optional.empty() : Optional.of(s.deviceId()), "mxrtc", s.register(), "",
                s.syncTimeoutMs(), s.requestTimeoutMs(), s.maxRetries(), s.backoffInitialMs(), s.backoffMaxMs(), s.dataDir(),
                true);
        SinkFeeder feeder = new SinkFeeder(settings.userId());
        CountDownLatch ready = new CountDownLatch(1);
        MatrixAccount account = MatrixAccount.open(settings, Clock.systemUTC(), feeder, c -> ready.countDown());
        account.start();
        if (!ready.await(s.requestTimeoutMs(), TimeUnit.MILLISECONDS)) {
            account.stop();
            throw new IllegalStateException("account " + s.userId() + ": no login within " + s.requestTimeoutMs()
                    + " ms");
        }
        return new Opened(account, feeder);
    }

    private record Opened(MatrixAccount account, SinkFeeder feeder) implements StandaloneClient {
        @Override
        public MatrixClient client() {
            return account.client();
        }

        @Override
        public AutoCloseable addRoomEventSink(RoomEventSink sink) {
            feeder.addSink(sink);
            return () -> feeder.removeSink(sink);
        }

        @Override
        public void close() {
            account.stop();
        }
    }
}
