package dev.mxrtc.matrix.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClient;

/**
 * {@code auto_join}: an account that is invited joins the room by itself, and the room's events then reach its
 * {@link RoomEventSink} (how the runtime's own account follows the rooms it is invited to). Against the real
 * embedded homeserver on loopback.
 */
@Timeout(30)
class AutoJoinTest {

    @TempDir
    Path dir;

    private HomeserverMain hs;
    private MatrixAccount alice;
    private MatrixAccount bot;
    private MatrixAccount carol;

    @BeforeEach
    void startHomeserver() throws Exception {
        hs = new HomeserverMain(HomeserverConfig.defaults("localhost", dir.resolve("hs")), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        for (MatrixAccount a : new MatrixAccount[] {alice, bot, carol}) {
            if (a != null) {
                a.stop();
            }
        }
        hs.close();
    }

    @Test
    void anInvitedAccountJoinsAndFeedsItsSinks() throws Exception {
        Set<String> sinkRooms = ConcurrentHashMap.newKeySet();
        SinkFeeder botFeeder = new SinkFeeder("@bot:localhost");
        botFeeder.addSink(new RoomEventSink() {
            @Override
            public void onRoomEvents(String roomId, List<RoomEvent> events) {
                if (events.stream().anyMatch(e -> e.type().equals("m.room.name"))) {
                    sinkRooms.add(roomId);
                }
            }

            @Override
            public void onRoomLeft(String roomId) {
            }
        });
        bot = started("@bot:localhost", botFeeder, true);
        // carol is the control: invited too, but without auto_join
        carol = started("@carol:localhost", new SinkFeeder("@carol:localhost"), false);
        alice = started("@alice:localhost", new SinkFeeder("@alice:localhost"), false);

        String roomId = alice.client().createRoom(CreateRoom.withPreset(CreateRoom.Preset.PRIVATE_CHAT)
                .withName("auto join").withInvite(List.of("@bot:localhost", "@carol:localhost")));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(joined(alice.client(), roomId, "@bot:localhost") && sinkRooms.contains(roomId))) {
            assertTrue(System.nanoTime() < deadline, "bot joined and its sink got the room within 10 s");
            Thread.sleep(50);
        }
        assertEquals(Set.of(roomId), sinkRooms);
        assertFalse(joined(alice.client(), roomId, "@carol:localhost"), "without auto_join the invite stays open");
        assertEquals("invite", membership(alice.client(), roomId, "@carol:localhost"));
    }

    private MatrixAccount started(String user, SinkFeeder feeder, boolean autoJoin) throws InterruptedException {
        AccountSettings s = AccountSettings.of("http://127.0.0.1:" + hs.port(), user, "pw-" + user, dir.resolve(user))
                .withTimeouts(300, 3_000, 20, 200).withRegister(true, "");
        CountDownLatch ready = new CountDownLatch(1);
        MatrixAccount a = MatrixAccount.open(s, Clock.systemUTC(), feeder, c -> ready.countDown(), autoJoin);
        a.start();
        if (!ready.await(10, TimeUnit.SECONDS)) {
            a.stop();
            throw new AssertionError("no login of " + user + " within 10 s");
        }
        return a;
    }

    private static boolean joined(MatrixClient c, String roomId, String user) {
        return "join".equals(membership(c, roomId, user));
    }

    private static String membership(MatrixClient c, String roomId, String user) {
        Optional<String> content = c.stateEvent(roomId, "m.room.member", user);
        return content.map(json -> json.replaceAll("(?s).*\"membership\"\\s*:\\s*\"([a-z]+)\".*", "$1")).orElse("");
    }
}
