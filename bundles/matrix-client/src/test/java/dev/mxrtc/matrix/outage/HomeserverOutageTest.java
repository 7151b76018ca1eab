package dev.mxrtc.matrix.outage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.OutgoingEvent;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.ToDeviceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client rides out a homeserver outage (issue 3): bob's client long-polls {@code /sync} against the real
 * development homeserver; the server is stopped for {@link #OUTAGE} and started again on the same port and data
 * directory. Alice sends to-device messages and room messages while bob syncs, right before the stop (some may be
 * answered to bob in the sync cut by the stop, some not), and right after the restart (while bob's client still waits
 * out its backoff). Bob's sync must resume by itself, and the application (a {@code SyncListener}) must get every
 * to-device message and every timeline event exactly once: none lost, none twice.
 *
 * <p>The outage is the issue's 30 s. The client's reconnect backoff is capped at {@link #BACKOFF_MAX_MS} here (a
 * setting operators choose: the default cap of 60 s would make a client come back up to a minute after the
 * server), so bob retries within a few seconds of the restart. Room messages per gap stay under the server's
 * default timeline limit (10): a
 * longer gap gives a {@code limited} timeline, which the client reports and does not backfill.
 */
@Timeout(90)
class HomeserverOutageTest {
    static final Duration OUTAGE = Duration.ofSeconds(30);
    static final long BACKOFF_MAX_MS = 5_000;
    private static final String TO_DEVICE_TYPE = "dev.mxrtc.test.outage";
    private static final String MESSAGE_TYPE = "dev.mxrtc.test.outage.message";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HomeserverMain hs;
    private StandaloneClient alice;
    private StandaloneClient bob;

    /** What bob's application saw: id → how often. */
    private final Map<String, AtomicInteger> toDevice = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> timeline = new ConcurrentHashMap<>();
    private final AtomicLong lastBatchNanos = new AtomicLong();

    @AfterEach
    void stop() {
        for (StandaloneClient c : new StandaloneClient[] {alice, bob}) {
            if (c != null) c.close();
        }
        if (hs != null) hs.close();
    }

    @Test
    void syncResumesAndEveryMessageArrivesExactlyOnce() throws Exception {
        HomeserverConfig config = HomeserverConfig.defaults("localhost", dir.resolve("hs"));
        hs = new HomeserverMain(config, "127.0.0.1", 0);
        int port = hs.port();
        String url = "http://127.0.0.1:" + port;
        alice = MatrixClients.open(account(url, "alice"));
        bob = MatrixClients.open(account(url, "bob"));
        MatrixClient a = alice.client();
        MatrixClient b = bob.client();
        b.addSyncListener((user, batch) -> record(batch));

        String room = a.createRoom(CreateRoom.withPreset(CreateRoom.Preset.PUBLIC_CHAT).withName("outage"));
        b.joinRoom(room);

        // 1. live: bob receives while syncing
        send(a, b, room, "live", 5, 3);
        await(() -> seenAll("live", 5, 3), Duration.ofSeconds(15), "live messages");

        // 2. just before the stop: queued for bob, or in the answer the stop cuts off
        send(a, b, room, "before", 5, 4);
        hs.close();
        hs = null;
        Optional<String> sinceAtStop = b.sinceToken();
        Thread.sleep(OUTAGE.toMillis());

        // 3. the same port and data directory again; alice sends before bob's backoff lets it retry
        hs = new HomeserverMain(config, "127.0.0.1", port);
        long restarted = System.nanoTime();
        send(a, b, room, "after", 5, 4);

        // the client's backoff is capped at 5 s: allow 30 s for the retry and the deliveries
        await(() -> seenAll("before", 5, 4) && seenAll("after", 5, 4), Duration.ofSeconds(30),
                "messages sent before and after the outage");
        // the since token moves on once the listeners returned from the batch: wait for it, bounded
        await(() -> !sinceAtStop.equals(b.sinceToken()), Duration.ofSeconds(10), "the sync chain moving on");
        assertNotEquals(sinceAtStop, b.sinceToken(), "the sync chain moved on after the restart");
        double resumedAfterS = (lastBatchNanos.get() - restarted) / 1e9;
        System.out.printf("outage %d s: every message delivered %.1f s after the restart%n", OUTAGE.toSeconds(),
                resumedAfterS);

        // a marker sent last: once it is in, any repeat of earlier batches would have been seen too
        send(a, b, room, "marker", 1, 1);
        await(() -> seenAll("marker", 1, 1), Duration.ofSeconds(15), "the marker");
        assertExactlyOnce(toDevice, List.of("live", "before", "after", "marker"), new int[] {5, 5, 5, 1}, "to-device");
        assertExactlyOnce(timeline, List.of("live", "before", "after", "marker"), new int[] {3, 4, 4, 1}, "timeline");
    }

    private ClientSettings account(String url, String name) {
        return ClientSettings.password(url, "@" + name + ":localhost", "pw-" + name, dir.resolve(name))
                .withRegister(true).withTimeouts(5_000, 10_000).withBackoff(500, BACKOFF_MAX_MS);
    }

    /** {@code toDevice} to-device messages to bob's device and {@code messages} room messages, ids {@code phase-i}. */
    private static void send(MatrixClient from, MatrixClient to, String room, String phase, int toDevice, int messages) {
        for (int i = 0; i < toDevice; i++) {
            String content = "{\"id\":\"" + phase + "-" + i + "\"}";
            from.sendToDevice(TO_DEVICE_TYPE, Map.of(to.userId(), Map.of(to.deviceId(), content)), Optional.empty());
        }
        for (int i = 0; i < messages; i++) {
            from.send(OutgoingEvent.message(room, MESSAGE_TYPE, "{\"id\":\"" + phase + "-" + i + "\"}"));
        }
    }

    private void record(SyncBatch batch) {
        boolean any = false;
        for (ToDeviceEvent e : batch.toDevice()) {
            if (TO_DEVICE_TYPE.equals(e.type())) {
                toDevice.computeIfAbsent(id(e.contentJson()), k -> new AtomicInteger()).incrementAndGet();
                any = true;
            }
        }
        for (SyncBatch.JoinedRoom r : batch.joined().values()) {
            for (RoomEvent e : r.timeline()) {
                if (MESSAGE_TYPE.equals(e.type())) {
                    timeline.computeIfAbsent(id(e.contentJson()), k -> new AtomicInteger()).incrementAndGet();
                    any = true;
                }
            }
        }
        if (any) lastBatchNanos.set(System.nanoTime());
    }

    private static String id(String contentJson) {
        try {
            JsonNode c = JSON.readTree(contentJson);
            return c.path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean seenAll(String phase, int toDeviceCount, int messages) {
        return IntStream.range(0, toDeviceCount).allMatch(i -> toDevice.containsKey(phase + "-" + i))
                && IntStream.range(0, messages).allMatch(i -> timeline.containsKey(phase + "-" + i));
    }

    private static void assertExactlyOnce(Map<String, AtomicInteger> seen, List<String> phases, int[] counts,
            String what) {
        Map<String, Integer> expected = new TreeMap<>();
        for (int p = 0; p < phases.size(); p++) {
            for (int i = 0; i < counts[p]; i++) expected.put(phases.get(p) + "-" + i, 1);
        }
        Map<String, Integer> actual = new TreeMap<>();
        seen.forEach((k, v) -> actual.put(k, v.get()));
        assertEquals(expected, actual, what + ": every message once, nothing else");
    }

    private void await(BooleanSupplier done, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; to-device " + toDevice
                    + ", timeline " + timeline);
            Thread.sleep(50);
        }
    }
}
