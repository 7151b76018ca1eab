package dev.mxrtc.focus.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RejectedEvent;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.Slot;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.matrix.MatrixClient;

/**
 * The DS component on its real actor thread, called the way SCR calls it (constructor, bind methods with service
 * properties, deactivate). Test doubles: {@link FakeBackend} (the SPI), a fixed {@link RtcSessions} and a
 * {@link MatrixClient} proxy that only tells its user and device — the real core and account need a homeserver, and
 * this test is about the component's wiring, not theirs. Waits are bounded.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FocusRuntimeComponentTest {

    private static final String ROOM = "!room:hs";
    private static final Transport MESH = new Transport(Transport.FULL_MESH, Map.of());

    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void seedsFromTheCoreBindsByPropertiesAndClosesOnDeactivate() throws Exception {
        Member bot = new Member(ROOM, SlotId.ROOM_CALL, "@bot:hs", "BOT", "m-bot", Application.of("m.call"),
                List.of(MESH), List.of(), Optional.of(new FocusActive(Transport.FULL_MESH, FocusActive.OLDEST_MEMBERSHIP)),
                1, 100_000, MemberFormat.LEGACY, "_@bot:hs_BOT_m.call", "$1");
        Session session = new Session(ROOM, SlotId.ROOM_CALL, List.of(bot), 1, Optional.of(MESH));
        FocusRuntimeComponent component = new FocusRuntimeComponent(config(), sessions(session));
        FakeBackend mesh = new FakeBackend("mesh", "not-the-property", log) /* the service property wins */;
        FakeBackend mesh2 = new FakeBackend("mesh2", Transport.FULL_MESH, log);

        component.addBackend(mesh, Map.of("service.id", 11L, FocusBackend.TYPE_PROPERTY, Transport.FULL_MESH));
        component.addClient(client("@bot:hs", "BOT"), Map.of("service.id", 3L));
        await("connected mesh m-bot");

        component.addBackend(mesh2, Map.of("service.id", 12L, "service.ranking", 5));
        await("closed mesh m-bot");
        assertTrue(log.indexOf("connected mesh2 m-bot") < log.indexOf("closed mesh m-bot"), log.toString());

        Member alice = new Member(ROOM, SlotId.ROOM_CALL, "@alice:hs", "A", "m-a", Application.of("m.call"),
                List.of(MESH), List.of(), Optional.empty(), 2, 100_000, MemberFormat.LEGACY, "k", "$2");
        Session two = new Session(ROOM, SlotId.ROOM_CALL, List.of(bot, alice), 1, Optional.of(MESH));
        component.onSessionEvent(new SessionEvent.MemberJoined(two, alice));
        await("session mesh2 m-bot 2");

        component.deactivate();
        assertEquals("closed mesh2 m-bot", log.get(log.size() - 1));
    }

    private void await(String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!log.contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' within 5 s: " + log);
            }
            Thread.sleep(5);
        }
    }

    private static MatrixClient client(String user, String device) {
        return (MatrixClient) Proxy.newProxyInstance(MatrixClient.class.getClassLoader(),
                new Class<?>[] {MatrixClient.class}, (p, m, args) -> switch (m.getName()) {
                    case "userId" -> user;
                    case "deviceId" -> device;
                    case "toString" -> "client " + user;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static RtcSessions sessions(Session s) {
        return new RtcSessions() {
            @Override
            public Set<String> rooms() {
                return Set.of(s.roomId());
            }

            @Override
            public List<Session> sessions(String roomId) {
                return roomId.equals(s.roomId()) ? List.of(s) : List.of();
            }

            @Override
            public Optional<Session> session(String roomId, SlotId slotId) {
                return sessions(roomId).stream().filter(x -> x.slotId().equals(slotId)).findFirst();
            }

            @Override
            public Optional<Slot> slot(String roomId, SlotId slotId) {
                return Optional.empty();
            }

            @Override
            public List<RejectedEvent> rejected(String roomId) {
                return List.of();
            }
        };
    }

    private static FocusRuntimeComponent.Config config() {
        return new FocusRuntimeComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FocusRuntimeComponent.Config.class;
            }

            @Override
            public long connect_timeout_ms() {
                return 2_000;
            }

            @Override
            public long retry_initial_ms() {
                return 100;
            }

            @Override
            public long retry_max_ms() {
                return 1_000;
            }

            @Override
            public long stop_timeout_ms() {
                return 2_000;
            }
        };
    }
}
