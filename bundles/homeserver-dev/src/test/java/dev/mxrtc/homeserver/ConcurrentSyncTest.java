package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.TestServer.User;
import dev.mxrtc.homeserver.core.Tokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients long-poll {@code /sync} (computed on read snapshots, outside the writer lock) while two senders write
 * room messages and to-device messages as fast as they can: every receiver gets every room message once and in send
 * order, every to-device message once and in order, since tokens never go backwards, and acknowledged to-device
 * messages are deleted (an old since token does not bring them back).
 */
@Timeout(120)
class ConcurrentSyncTest {
    private static final int RECEIVERS = 6;
    private static final int ROOM_MESSAGES = 100;
    private static final int TO_DEVICE_MESSAGES = 40;
    private static final String FILTER = TestServer.enc("{\"room\":{\"timeline\":{\"limit\":1000}}}");

    @TempDir
    Path dir;

    /** What one receiver saw, in arrival order. */
    record Seen(List<Integer> room, List<Integer> toDevice, String firstToken, String lastToken) {}

    @Test
    void concurrentSyncsWhileWritersWriteLoseNothingAndRepeatNothing() throws Exception {
        try (TestServer hs = TestServer.start(dir)) {
            User alice = hs.register("alice");
            User carol = hs.register("carol");
            String room = hs.createRoom(alice, Map.of("preset", "public_chat"));
            List<User> receivers = new ArrayList<>();
            for (int i = 0; i < RECEIVERS; i++) {
                User u = hs.register("r" + i);
                assertEquals(200, hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), u.token(), Map.of()).status());
                receivers.add(u);
            }
            ExecutorService pool = Executors.newFixedThreadPool(RECEIVERS + 2);
            try {
                List<Future<Seen>> seen = new ArrayList<>();
                for (User u : receivers) seen.add(pool.submit(() -> receive(hs, u, room)));
                Future<?> roomSender = pool.submit(() -> {
                    for (int n = 0; n < ROOM_MESSAGES; n++) {
                        assertEquals(200, hs.send(alice, room, "m.room.message", "m" + n, Map.of("n", n)).status());
                    }
                    return null;
                });
                Future<?> toDeviceSender = pool.submit(() -> {
                    for (int n = 0; n < TO_DEVICE_MESSAGES; n++) {
                        Map<String, Object> messages = new HashMap<>();
                        for (User u : receivers) messages.put(u.userId(), Map.of(u.deviceId(), Map.of("n", n)));
                        assertEquals(200, hs.put("/_matrix/client/v3/sendToDevice/m.test/t" + n, carol.token(),
                                Map.of("messages", messages)).status());
                    }
                    return null;
                });
                roomSender.get(90, TimeUnit.SECONDS);
                toDeviceSender.get(90, TimeUnit.SECONDS);
                List<Integer> allRoom = range(ROOM_MESSAGES);
                List<Integer> allToDevice = range(TO_DEVICE_MESSAGES);
                for (int i = 0; i < RECEIVERS; i++) {
                    Seen s = seen.get(i).get(90, TimeUnit.SECONDS);
                    assertEquals(allRoom, s.room(), "receiver " + i + ": room messages once each, in send order");
                    assertEquals(allToDevice, s.toDevice(), "receiver " + i + ": to-device messages once each, in order");
                    // the last answer's token acknowledged everything: an older token no longer brings them back
                    JsonNode old = hs.get("/_matrix/client/v3/sync?timeout=0&since=" + TestServer.enc(s.firstToken()),
                            receivers.get(i).token()).body();
                    assertTrue(old.path("to_device").path("events").isEmpty(), "acknowledged to-device messages deleted");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Seen receive(TestServer hs, User u, String room) throws Exception {
        JsonNode first = hs.get("/_matrix/client/v3/sync?timeout=0&filter=" + FILTER, u.token()).body();
        String firstToken = first.path("next_batch").asText();
        String token = firstToken;
        List<Integer> roomSeen = new ArrayList<>();
        List<Integer> toDevice = new ArrayList<>();
        collect(first, room, roomSeen, toDevice);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
        while ((roomSeen.size() < ROOM_MESSAGES || toDevice.size() < TO_DEVICE_MESSAGES) && System.nanoTime() < deadline) {
            TestServer.Resp r = hs.get("/_matrix/client/v3/sync?timeout=2000&filter=" + FILTER + "&since="
                    + TestServer.enc(token), u.token());
            assertEquals(200, r.status(), r.toString());
            assertFalse(r.body().path("rooms").path("join").path(room).path("timeline").path("limited").asBoolean(),
                    "a gap would hide messages");
            collect(r.body(), room, roomSeen, toDevice);
            String next = r.text("next_batch");
            assertTrue(Tokens.parse(next) >= Tokens.parse(token), "since token went backwards: " + token + " -> " + next);
            token = next;
        }
        // one more answer acknowledges the last to-device batch
        hs.get("/_matrix/client/v3/sync?timeout=0&filter=" + FILTER + "&since=" + TestServer.enc(token), u.token());
        return new Seen(roomSeen, toDevice, firstToken, token);
    }

    private static void collect(JsonNode sync, String room, List<Integer> roomSeen, List<Integer> toDevice) {
        for (JsonNode e : sync.path("rooms").path("join").path(room).path("timeline").path("events")) {
            if ("m.room.message".equals(e.path("type").asText())) roomSeen.add(e.path("content").path("n").asInt());
        }
        for (JsonNode e : sync.path("to_device").path("events")) {
            if ("m.test".equals(e.path("type").asText())) toDevice.add(e.path("content").path("n").asInt());
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(i);
        return out;
    }
}
