package dev.mxrtc.homeserver.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The embedded H2 database under the data directory: one writer connection behind one lock, and a small pool of
 * read connections that never take that lock.
 *
 * <ul>
 *   <li>{@link #tx} runs a transaction on the writer connection while holding the lock (a single writer is plenty for
 *       a development server). Every write goes through it, and so do reads that decide a write.</li>
 *   <li>{@link #read} runs read-only work on a pooled connection in H2's {@code SNAPSHOT} isolation: its first
 *       statement fixes a consistent view of <em>all</em> tables (H2 takes every table's MVCC root at once), and the
 *       work sees that view, and only it, to the end. The stream position is read inside that view, so everything at
 *       or below it is committed and visible, and nothing written later is. {@code /sync} reads this way: under load
 *       its ~12 queries per answer no longer queue behind senders' writes, nor senders behind them.</li>
 * </ul>
 * The lock is never held while a client long-polls.
 *
 * <p>Stream positions come from one monotonic counter ({@code meta.stream}) that transactions advance with
 * {@link Tx#nextStreamId()} (anyone's {@code /sync} may see the item) or {@link Tx#nextStreamIdFor} (only the named
 * users' may); after a commit that advanced it, {@code onAdvance} receives the new position and that audience.
 */
public final class Database implements AutoCloseable {

    /** A unit of work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** Told about each committed advance of the stream. */
    @FunctionalInterface
    public interface Advance {
        /**
         * @param to the new position
         * @param audience the only users whose {@code /sync} can see what the transaction wrote; empty: anyone's
         */
        void advanced(long to, Optional<Set<String>> audience);
    }

    /** Read-only work on a consistent snapshot. */
    @FunctionalInterface
    public interface ReadWork<T> {
        T run(Reads reads) throws SQLException;
    }

    /** The queries of a transaction or of a snapshot: what read-only code needs. */
    public interface Reads {
        /** The stream position this work sees: every item at or below it, none above. */
        long position();

        <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException;

        default <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) throws SQLException {
            List<T> all = query(sql, row, args);
            return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.getFirst());
        }
    }

    /** Maps the current row. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Read connections: enough for both cores to be busy reading while others wait on the network. */
    static final int READERS = Math.max(2, Math.min(8, 2 * Runtime.getRuntime().availableProcessors()));

    private final ReentrantLock lock = new ReentrantLock();
    private final Connection conn;
    /** Idle read connections; a reader takes one, or waits for one. */
    private final BlockingQueue<Connection> readers = new LinkedBlockingQueue<>();
    private final List<Connection> allReaders = new ArrayList<>();
    private volatile boolean readersClosed;
    private final Advance onAdvance;
    private long position;
    private boolean closed;

    public Database(Path dataDir, Advance onAdvance) {
        this.onAdvance = onAdvance;
        try {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("homeserver") + ";DB_CLOSE_ON_EXIT=FALSE"
                    // parsed statements kept per SQL text: the default (8) is smaller than one /sync's distinct
                    // queries, so under load most time went into re-parsing SQL (load benchmark profile)
                    + ";QUERY_CACHE_SIZE=256");
            ds.setUser("sa");
            ds.setPassword("");
            conn = ds.getConnection();
            conn.setAutoCommit(false);
            createSchema();
            position = tx(t -> t.queryOne("SELECT v FROM meta WHERE k = 'stream'", rs -> rs.getLong(1)).orElse(0L));
            for (int i = 0; i < READERS; i++) {
                Connection r = ds.getConnection();
                allReaders.add(r);
                r.setAutoCommit(false);
                try (Statement st = r.createStatement()) {
                    st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
                }
                readers.add(r);
            }
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("Cannot open homeserver database in " + dataDir, e);
        }
    }

    private void createSchema() throws SQLException {
        String sql;
        try (InputStream in = Database.class.getResourceAsStream("schema.sql")) {
            if (in == null) throw new IllegalStateException("schema.sql missing");
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (Statement st = conn.createStatement()) {
            for (String s : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!s.isBlank()) st.execute(s);
            }
            st.execute("INSERT INTO meta (k, v) SELECT 'stream', 0 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM meta WHERE k = 'stream')");
        }
        conn.commit();
    }

    /** The last committed stream position. */
    public long position() {
        lock.lock();
        try {
            return position;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in a transaction under the database lock; rolls back on any exception. */
    public <T> T tx(Work<T> work) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("database closed");
            Tx tx = new Tx(position);
            boolean ok = false;
            try {
                T result = work.run(tx);
                if (tx.pending != position) {
                    tx.update("UPDATE meta SET v = ? WHERE k = 'stream'", tx.pending);
                }
                conn.commit();
                ok = true;
                if (tx.pending != position) {
                    position = tx.pending;
                    onAdvance.advanced(position, tx.broadcast ? Optional.empty() : Optional.of(Set.copyOf(tx.audience)));
                }
                return result;
            } finally {
                if (!ok) conn.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs read-only {@code work} on a consistent snapshot without the writer lock (see the class comment). Waits for
     * a free read connection if all are busy. Work that writes must use {@link #tx} instead.
     *
     * @throws InterruptedException while waiting for a read connection
     */
    public <T> T read(ReadWork<T> work) throws InterruptedException {
        Connection c;
        while ((c = readers.poll(100, TimeUnit.MILLISECONDS)) == null) {
            if (readersClosed) throw new IllegalStateException("database closed");
        }
        try {
            if (readersClosed) throw new IllegalStateException("database closed");
            boolean ok = false;
            try {
                // the first statement fixes the snapshot of every table, so the position read here bounds the view
                long at;
                try (PreparedStatement ps = c.prepareStatement("SELECT v FROM meta WHERE k = 'stream'");
                        ResultSet rs = ps.executeQuery()) {
                    at = rs.next() ? rs.getLong(1) : 0L;
                }
                T result = work.run(new Snapshot(c, at));
                c.commit(); // ends the snapshot (nothing was written)
                ok = true;
                return result;
            } finally {
                if (!ok) c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error", e);
        } finally {
            readers.add(c);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the read connections, then the writer (H2 closes the database with its last connection). */
    private void closeQuietly() {
        readersClosed = true;
        for (Connection r : allReaders) {
            try {
                r.close(); // a read under way fails with "database closed"; it was answering a stopping server
            } catch (SQLException e) {
                // closing anyway
            }
        }
        try {
            if (conn != null) conn.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A read-only view at one snapshot of a read connection. */
    private static final class Snapshot implements Reads {
        private final Connection c;
        private final long position;

        Snapshot(Connection c, long position) {
            this.c = c;
            this.position = position;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) out.add(row.map(rs));
                    return out;
                }
            }
        }
    }

    /** The running transaction: statement helpers and stream id allocation. */
    public final class Tx implements Reads {
        private long pending;
        private boolean broadcast;
        private final Set<String> audience = new HashSet<>();

        private Tx(long position) {
            this.pending = position;
        }

        /**
         * Allocates the next stream position for an item any user's {@code /sync} may show; it becomes visible when
         * the transaction commits.
         */
        public long nextStreamId() {
            broadcast = true;
            return ++pending;
        }

        /**
         * Allocates the next stream position for an item only {@code users}' {@code /sync} can show, so that only
         * their long polls wake (with 200 syncing users, waking all of them for each message cost 200 syncs).
         */
        public long nextStreamIdFor(Collection<String> users) {
            audience.addAll(users);
            return ++pending;
        }

        /** The stream position as seen by this transaction (including its own allocations). */
        @Override
        public long position() {
            return pending;
        }

        public int update(String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args)) {
                return ps.executeUpdate();
            }
        }

        @Override
        public <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(row.map(rs));
                return out;
            }
        }

        /** Inserts and returns the generated key (for AUTO_INCREMENT tables). */
        public long insertReturningKey(String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                bind(ps, args);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        private PreparedStatement prepare(String sql, Object... args) throws SQLException {
            PreparedStatement ps = conn.prepareStatement(sql);
            bind(ps, args);
            return ps;
        }

        private void bind(PreparedStatement ps, Object... args) throws SQLException {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        }
    }
}
