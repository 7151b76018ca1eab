package dev.mxrtc.homeserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Database#read} on the real H2 file database: reads never wait for the writer lock, and each sees one
 * consistent snapshot whose stream position bounds exactly what it sees, while a writer commits concurrently.
 */
@Timeout(60)
class SnapshotReadsTest {
    @TempDir
    Path dir;

    private static long count(Database.Reads r) throws java.sql.SQLException {
        return r.queryOne("SELECT COUNT(*) FROM to_device", rs -> rs.getLong(1)).orElseThrow();
    }

    private static void insertOne(Database.Tx tx) throws java.sql.SQLException {
        tx.update("INSERT INTO to_device (stream_id, user_id, device_id, sender, type, content) VALUES (?, ?, ?, ?, ?, ?)",
                tx.nextStreamIdFor(List.of("@u:x")), "@u:x", "D", "@s:x", "t", "{}");
    }

    @Test
    void aReadDoesNotWaitForAWriterHoldingTheLockAndSeesOnlyWhatWasCommitted() throws Exception {
        try (Database db = new Database(dir, (to, audience) -> { })) {
            db.tx(tx -> {
                insertOne(tx);
                return null;
            });
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> w = writer.submit(() -> db.tx(tx -> {
                    insertOne(tx); // written, not committed, lock held
                    inside.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
                assertTrue(inside.await(10, TimeUnit.SECONDS));
                // under the old design this read would have queued behind the writer until release
                long[] seen = db.read(r -> new long[] {r.position(), count(r)});
                assertEquals(1, seen[0], "position of the last commit");
                assertEquals(1, seen[1], "the uncommitted row is not seen");
                release.countDown();
                w.get(10, TimeUnit.SECONDS);
                seen = db.read(r -> new long[] {r.position(), count(r)});
                assertEquals(2, seen[0]);
                assertEquals(2, seen[1]);
            } finally {
                release.countDown();
                writer.shutdownNow();
            }
        }
    }

    @Test
    void concurrentReadsSeeConsistentSnapshotsWhileAWriterCommits() throws Exception {
        AtomicLong notified = new AtomicLong();
        try (Database db = new Database(dir, (to, audience) -> notified.set(to))) {
            int writes = 400;
            int readers = 4;
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
            try {
                List<Future<long[]>> reads = new ArrayList<>();
                for (int i = 0; i < readers; i++) {
                    reads.add(pool.submit(() -> {
                        long last = -1;
                        long n = 0;
                        while (!done.get()) {
                            long floor = notified.get(); // committed and announced before this read began
                            long[] s = db.read(r -> {
                                long pos = r.position();
                                long rows = count(r);
                                long max = r.queryOne("SELECT COALESCE(MAX(stream_id), 0) FROM to_device",
                                        rs -> rs.getLong(1)).orElseThrow();
                                // a second look inside the same snapshot must not move, whatever commits meanwhile
                                long again = count(r);
                                return new long[] {pos, rows, max, again};
                            });
                            // one row per stream position: the snapshot holds exactly the rows up to its position
                            assertEquals(s[0], s[1], "rows seen vs position");
                            assertEquals(s[0], s[2], "newest row vs position");
                            assertEquals(s[1], s[3], "the snapshot moved inside one read");
                            assertTrue(s[0] >= floor, "a read missed a commit announced before it began");
                            assertTrue(s[0] >= last, "positions went backwards: " + last + " then " + s[0]);
                            last = s[0];
                            n++;
                        }
                        return new long[] {n, last};
                    }));
                }
                Future<?> writer = pool.submit(() -> {
                    try {
                        for (int i = 0; i < writes; i++) {
                            db.tx(tx -> {
                                insertOne(tx);
                                return null;
                            });
                        }
                    } finally {
                        done.set(true);
                    }
                    return null;
                });
                writer.get(40, TimeUnit.SECONDS);
                long totalReads = 0;
                for (Future<long[]> f : reads) totalReads += f.get(10, TimeUnit.SECONDS)[0];
                assertTrue(totalReads > 0);
                assertEquals(writes, db.read(SnapshotReadsTest::count));
                assertEquals(Optional.of((long) writes), Optional.of(notified.get()));
            } finally {
                done.set(true);
                pool.shutdownNow();
            }
        }
    }
}
