package dev.mxrtc.homeserver;

import dev.mxrtc.homeserver.core.AccountData;
import dev.mxrtc.homeserver.core.Accounts;
import dev.mxrtc.homeserver.core.DelayedEvents;
import dev.mxrtc.homeserver.core.Events;
import dev.mxrtc.homeserver.core.Ids;
import dev.mxrtc.homeserver.core.Keys;
import dev.mxrtc.homeserver.core.RoomReads;
import dev.mxrtc.homeserver.core.Rooms;
import dev.mxrtc.homeserver.core.StreamNotifier;
import dev.mxrtc.homeserver.core.Sync;
import dev.mxrtc.homeserver.core.ToDeviceAcks;
import dev.mxrtc.homeserver.endpoints.AccountEndpoints;
import dev.mxrtc.homeserver.endpoints.DelayedEventEndpoints;
import dev.mxrtc.homeserver.endpoints.KeyEndpoints;
import dev.mxrtc.homeserver.endpoints.MiscEndpoints;
import dev.mxrtc.homeserver.endpoints.RoomEndpoints;
import dev.mxrtc.homeserver.http.MatrixServlet;
import dev.mxrtc.homeserver.http.Router;
import dev.mxrtc.homeserver.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The homeserver: storage, services and the servlet that serves them. Host it in any servlet container
 * (the OSGi whiteboard component or the standalone Jetty launcher). {@link #close()} is idempotent.
 */
public final class Homeserver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Homeserver.class);

    private final HomeserverConfig config;
    private final Database db;
    private final DelayedEvents delayed;
    private final MatrixServlet servlet;
    private final StreamNotifier notifier;
    private final ToDeviceAcks acks;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Homeserver(HomeserverConfig config, Clock clock) {
        this.config = config;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create data directory " + config.dataDir(), e);
        }
        StreamNotifier notifier = new StreamNotifier();
        this.notifier = notifier;
        this.db = new Database(config.dataDir(), notifier::advance);
        notifier.advance(db.position(), Optional.empty());
        Ids ids = new Ids(config.serverName());
        Events events = new Events(ids, clock);
        Rooms rooms = new Rooms(events, ids, clock);
        Accounts accounts = new Accounts(db, ids, clock, config);
        Keys keys = new Keys(db);
        AccountData accountData = new AccountData(db);
        this.delayed = new DelayedEvents(db, rooms, ids, clock, config.maxDelayMs());
        this.acks = new ToDeviceAcks(db, keys);
        Sync sync = new Sync(db, events, keys, accountData, notifier, clock, acks);

        Router router = new Router();
        new MiscEndpoints(config).register(router);
        new AccountEndpoints(accounts, accountData, ids).register(router);
        new RoomEndpoints(db, rooms, new RoomReads(db, events, rooms), events, delayed, sync, accountData, config).register(router);
        new KeyEndpoints(db, keys).register(router);
        new DelayedEventEndpoints(delayed).register(router);
        this.servlet = new MatrixServlet(router, accounts::authenticate, config.maxBodyBytes());
        delayed.start();
        LOG.info("Development homeserver {} started on data directory {}", config.serverName(), config.dataDir());
    }

    public HomeserverConfig config() { return config; }

    /** The servlet serving {@code /_matrix/*} and {@code /.well-known/matrix/*}. */
    public MatrixServlet servlet() { return servlet; }

    /** The long-poll notifier (tests: whether a {@code /sync} is waiting). */
    public StreamNotifier notifier() { return notifier; }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            delayed.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping delayed events failed", e);
        }
        try {
            acks.close();
        } catch (RuntimeException e) {
            LOG.warn("Deleting acknowledged to-device messages failed", e);
        }
        try {
            db.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the database failed", e);
        }
        LOG.info("Development homeserver {} stopped", config.serverName());
    }
}
