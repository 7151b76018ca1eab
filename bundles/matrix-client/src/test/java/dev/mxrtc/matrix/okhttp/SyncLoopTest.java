package dev.mxrtc.matrix.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.SyncListener;
import dev.mxrtc.matrix.ToDeviceEvent;
import dev.mxrtc.matrix.okhttp.ScriptedHomeserver.Reply;

/**
 * The sync loop against {@link ScriptedHomeserver} (a scripted test double of a homeserver, for the fault paths):
 * hand-over to sinks and listeners, since-token persistence and exactly-once to-device delivery across a client
 * restart, backoff on 5xx, retry-after on 429, the server going away and coming back, re-login on a rejected token,
 * snapshots for late sinks. Long polls are short (idle answers after 150 ms); every wait is bounded.
 */
@Timeout(30)
class SyncLoopTest {

    private static final String ROOM = "!call:hs.test";
    private static final String CREATE = "{\"event_id\":\"$create\",\"type\":\"m.room.create\",\"state_key\":\"\","
            + "\"sender\":\"@a:hs.test\",\"origin_server_ts\":10,\"content\":{\"room_version\":\"11\"}}";
    private static final String MEMBER = "{\"event_id\":\"$member\",\"type\":\"org.matrix.msc3401.call.member\","
            + "\"state_key\":\"_@a:hs.test_A_m.call\",\"sender\":\"@a:hs.test\",\"origin_server_ts\":20,"
            + "\"content\":{\"application\":\"m.call\"}}";
    private static final String STICKY = "{\"event_id\":\"$sticky\",\"type\":\"org.matrix.msc4143.rtc.member\","
            + "\"sender\":\"@b:hs.test\",\"origin_server_ts\":30,\"msc4354_sticky\":{\"duration_ms\":3600000},"
            + "\"content\":{\"msc4354_sticky_key\":\"@b:hs.test:B\"},"
            + "\"unsigned\":{\"msc4354_sticky_duration_ttl_ms\":3411200}}";
    private static final String ROOM_JOIN = "\"" + ROOM + "\":{\"state\":{\"events\":[" + CREATE + "]},"
            + "\"timeline\":{\"events\":[" + MEMBER + "],\"limited\":true,\"prev_batch\":\"p1\"},"
            + "\"msc4354_sticky\":{\"events\":[" + STICKY + "," + MEMBER + "]}}";

    @TempDir
    Path dir;
    private ScriptedHomeserver hs;
    private SyncScript sync;
    private final List<MatrixAccount> accounts = new CopyOnWriteArrayList<>();
    private final RecordingSink sink = new RecordingSink();
    private final List<String> toDevice = new CopyOnWriteArrayList<>();
    private final List<SyncBatch> batches = new CopyOnWriteArrayList<>();

    @BeforeEach
    void server() throws Exception {
        hs = new ScriptedHomeserver().withAccount(Accounts4Test.USER, Accounts4Test.DEVICE, Accounts4Test.TOKEN);
        sync = new SyncScript(150);
        hs.on("GET", "/_matrix/client/v3/sync", sync);
    }

    @AfterEach
    void stop() {
        accounts.forEach(MatrixAccount::stop);
        hs.close();
    }

    private MatrixAccount start(boolean withSink) throws InterruptedException {
        SinkFeeder feeder = new SinkFeeder(Accounts4Test.USER);
        if (withSink) {
            feeder.addSink(sink);
        }
        feeder.addListener(listener());
        MatrixAccount a = Accounts4Test.started(Accounts4Test.settings(hs, dir), feeder);
        accounts.add(a);
        return a;
    }

    private SyncListener listener() {
        return (user, batch) -> {
            batches.add(batch);
            batch.toDevice().forEach(e -> toDevice.add(e.contentJson()));
        };
    }

    @Test
    void roomsGoToSinksAsRoomEventsAndLeftRoomsEnd() throws Exception {
        sync.then("", SyncScript.answer("s1", ROOM_JOIN, "", SyncScript.toDevice("m.room.encrypted", "@a:hs.test",
                "A")).replace("\"to_device\"", "\"device_lists\":{\"changed\":[\"@a:hs.test\"],\"left\":[\"@z:hs\"]},"
                + "\"device_one_time_keys_count\":{\"signed_curve25519\":7},"
                + "\"device_unused_fallback_key_types\":[\"signed_curve25519\"],\"to_device\""));
        sync.then("s1", SyncScript.answer("s2", "", "\"!old:hs.test\":{}", ""));
        start(true);
        await(() -> sink.left.contains("!old:hs.test"), "left room");

        List<RoomEvent> events = sink.events.get(0);
        assertEquals(List.of("$create", "$member", "$sticky"), events.stream().map(RoomEvent::eventId).toList(),
                "state, timeline, sticky; the sticky copy of a timeline event is dropped");
        RoomEvent create = events.get(0);
        assertEquals(ROOM, create.roomId());
        assertEquals(Optional.of(""), create.stateKey());
        assertEquals("{\"room_version\":\"11\"}", create.contentJson());
        assertEquals(10, create.originServerTs());
        RoomEvent sticky = events.get(2);
        assertEquals(Optional.empty(), sticky.stateKey());
        assertEquals(OptionalLong.of(3_600_000), sticky.stickyDurationMs());
        assertEquals(OptionalLong.of(3_411_200), sticky.stickyTtlMs());
        assertTrue(sticky.receivedTs() > 0);
        assertEquals(OptionalLong.empty(), create.stickyDurationMs());

        SyncBatch first = batches.get(0);
        assertEquals(Optional.empty(), first.since());
        assertEquals("s1", first.nextBatch());
        assertEquals(java.util.Set.of("@a:hs.test"), first.deviceLists().changed());
        assertEquals(java.util.Set.of("@z:hs"), first.deviceLists().left());
        assertEquals(7L, first.oneTimeKeyCounts().get("signed_curve25519"));
        assertEquals(Optional.of(List.of("signed_curve25519")), first.unusedFallbackKeyTypes());
        assertTrue(first.joined().get(ROOM).limited());
        assertEquals(Optional.of("p1"), first.joined().get(ROOM).prevBatch());
        assertEquals(new ToDeviceEvent("m.room.encrypted", "@a:hs.test", "{\"m\":\"A\"}"), first.toDevice().get(0));
    }

    @Test
    void sinceTokenIsPersistedOnlyAfterHandOverAndToDeviceArrivesOnceAcrossRestart() throws Exception {
        sync.then("", SyncScript.answer("s1", ROOM_JOIN, "", SyncScript.toDevice("m.x", "@a:hs.test", "A")));
        sync.then("s1", SyncScript.answer("s2", "", "", SyncScript.toDevice("m.x", "@a:hs.test", "B")));
        List<String> sinceDuringHandOver = new CopyOnWriteArrayList<>();
        SinkFeeder feeder = new SinkFeeder(Accounts4Test.USER);
        feeder.addListener(listener());
        feeder.addListener((u, b) -> sinceDuringHandOver.add(readSince()));
        MatrixAccount first = Accounts4Test.started(Accounts4Test.settings(hs, dir), feeder);
        accounts.add(first);
        await(() -> "s2".equals(readSince()), "since s2 persisted");
        assertEquals(List.of("", "s1"), sinceDuringHandOver.subList(0, 2), "written after the listeners returned");
        first.stop();
        assertEquals("s2", first.client().sinceToken().orElseThrow());

        // restart: the unacknowledged initial sync would carry A again; only the chain from s2 counts
        sync.then("s2", SyncScript.answer("s3", "", "", SyncScript.toDevice("m.x", "@a:hs.test", "C")));
        int syncsBefore = hs.seen("GET", "/_matrix/client/v3/sync").size();
        start(true);
        await(() -> "s3".equals(readSince()), "since s3 persisted");
        assertEquals(List.of("{\"m\":\"A\"}", "{\"m\":\"B\"}", "{\"m\":\"C\"}"), toDevice);
        var after = hs.seen("GET", "/_matrix/client/v3/sync").subList(syncsBefore, syncsBefore + 2);
        assertNull(after.get(0).param("since"), "the snapshot for the sink");
        assertEquals("s2", after.get(1).param("since"), "the chain resumes");
        assertFalse(sink.events.isEmpty(), "the sink got the rooms from the snapshot");
        assertEquals(1, hs.seen("POST", "/_matrix/client/v3/login").size(), "the stored session was reused");
    }

    @Test
    void backsOffOnServerErrorsAndResumesWhenTheServerComesBack() throws Exception {
        sync.then("", SyncScript.answer("s1", "", "", ""));
        sync.then("s1", Reply.error(503, "M_UNKNOWN", ""), Reply.error(500, "M_UNKNOWN", ""),
                Reply.ok(SyncScript.answer("s2", "", "", SyncScript.toDevice("m.x", "@a:hs", "after-5xx"))));
        start(false);
        await(() -> "s2".equals(readSince()), "recovered from 5xx");
        assertEquals(3, hs.seen("GET", "/_matrix/client/v3/sync").stream().filter(s -> "s1".equals(s.param("since")))
                .count());

        hs.goAway();
        Thread.sleep(400); // several refused connections with backoff (20 ... 200 ms)
        sync.then("s2", SyncScript.answer("s3", "", "", SyncScript.toDevice("m.x", "@a:hs", "after-outage")));
        hs.comeBack();
        await(() -> "s3".equals(readSince()), "resumed after the outage");
        assertEquals(List.of("{\"m\":\"after-5xx\"}", "{\"m\":\"after-outage\"}"), toDevice);
    }

    @Test
    void rateLimitedSyncWaitsRetryAfter() throws Exception {
        sync.then("", SyncScript.answer("s1", "", "", ""));
        sync.then("s1", Reply.error(429, "M_LIMIT_EXCEEDED", ",\"retry_after_ms\":500"),
                Reply.ok(SyncScript.answer("s2", "", "", "")));
        start(false);
        var limited = hs.await("GET", "/_matrix/client/v3/sync", 5_000); // initial
        limited = hs.await("GET", "/_matrix/client/v3/sync", 5_000);
        assertEquals("s1", limited.param("since"));
        long t0 = System.nanoTime();
        var retry = hs.await("GET", "/_matrix/client/v3/sync", 5_000);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("s1", retry.param("since"));
        assertTrue(waitedMs >= 450, "waited " + waitedMs + " ms");
    }

    @Test
    void rejectedTokenLogsInAgain() throws Exception {
        hs.once("POST", "/_matrix/client/v3/login", Reply.ok("{\"user_id\":\"" + Accounts4Test.USER
                + "\",\"device_id\":\"DEV1\",\"access_token\":\"old_token\"}"));
        sync.then("", SyncScript.answer("s1", "", "", ""));
        sync.then("s1", Reply.error(401, "M_UNKNOWN_TOKEN", ",\"soft_logout\":true"),
                Reply.ok(SyncScript.answer("s2", "", "", "")));
        start(false);
        await(() -> "s2".equals(readSince()), "synced after re-login");
        assertEquals(2, hs.seen("POST", "/_matrix/client/v3/login").size());
        var syncs = hs.seen("GET", "/_matrix/client/v3/sync");
        assertEquals("Bearer old_token", syncs.get(0).authorization());
        assertEquals("Bearer " + Accounts4Test.TOKEN, syncs.get(syncs.size() - 1).authorization());
        assertTrue(Files.readString(dir.resolve("session.json")).contains(Accounts4Test.TOKEN));
    }

    @Test
    void aLateSinkGetsASnapshotWithoutWaitingForTheLongPoll() throws Exception {
        sync = new SyncScript(3_000); // idle long polls take 3 s here
        hs.close();
        hs = new ScriptedHomeserver().withAccount(Accounts4Test.USER, Accounts4Test.DEVICE, Accounts4Test.TOKEN);
        hs.on("GET", "/_matrix/client/v3/sync", sync);
        sync.then("", SyncScript.answer("s1", ROOM_JOIN, "", ""));
        SinkFeeder feeder = new SinkFeeder(Accounts4Test.USER);
        MatrixAccount a = Accounts4Test.started(Accounts4Test.settings(hs, dir), feeder);
        accounts.add(a);
        hs.await("GET", "/_matrix/client/v3/sync", 5_000);
        var poll = hs.await("GET", "/_matrix/client/v3/sync", 5_000);
        assertEquals("s1", poll.param("since"), "now in a long poll");
        long t0 = System.nanoTime();
        feeder.addSink(sink);
        await(() -> !sink.events.isEmpty(), "snapshot");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2_000, "the long poll was cut short");
        assertEquals(List.of("$create", "$member", "$sticky"), sink.events.get(0).stream().map(RoomEvent::eventId)
                .toList());
        assertEquals("s1", readSince(), "a snapshot does not move the chain");
    }

    private String readSince() {
        try {
            Path f = dir.resolve("since");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Records what a core would get. */
    static final class RecordingSink implements RoomEventSink {
        final List<List<RoomEvent>> events = new CopyOnWriteArrayList<>();
        final List<String> left = new CopyOnWriteArrayList<>();

        @Override
        public void onRoomEvents(String roomId, List<RoomEvent> batch) {
            events.add(batch);
        }

        @Override
        public void onRoomLeft(String roomId) {
            left.add(roomId);
        }
    }
}
