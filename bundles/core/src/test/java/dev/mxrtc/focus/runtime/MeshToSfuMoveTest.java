package dev.mxrtc.focus.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.core.Events;
import dev.mxrtc.core.runtime.ManualTime;
import dev.mxrtc.core.runtime.SessionService;
import dev.mxrtc.focus.meshlivekit.FullMeshIntoLivekitSelection;
import dev.mxrtc.matrix.MatrixClient;

/**
 * The switch mesh → SFU → mesh of {@code full_mesh_into_livekit}, end to end through the real core (sessions,
 * departures, the hold timer, on a hand-moved clock) and the real focus runtime ({@link FocusRuntimeComponent} on
 * its own actor thread, bound the way SCR binds it): the local member connects the new backend before the old one
 * is closed, both ways.
 *
 * <p>Test doubles: {@link InMemoryBackend} stands in for the {@code full_mesh} and {@code livekit} {@link FocusBackend}s
 * (the real ones need WebRTC media workers and a LiveKit SFU, which do not run here) and only logs what the runtime
 * asks of it; the {@link MatrixClient} is a proxy that only tells its user and device (the real one needs a
 * homeserver). Waits on the runtime's thread are bounded.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MeshToSfuMoveTest {

    private static final long T0 = 1_767_000_000_000L;
    private static final long HOLD = 30_000;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ManualTime time = new ManualTime(T0);
    private final SessionService core = new SessionService(time, Runnable::run, time, 16);

    @Test
    void theSfuConnectionIsUpBeforeTheMeshIsDroppedAndBackAgainAfterTheHold() throws Exception {
        core.addSelection(new FullMeshIntoLivekitSelection());
        FocusRuntimeComponent runtime = new FocusRuntimeComponent(config(), core);
        core.addListener(runtime, null);
        InMemoryBackend mesh = new InMemoryBackend(Transport.FULL_MESH);
        InMemoryBackend sfu = new InMemoryBackend(Transport.LIVEKIT);
        sfu.hold = true; // the SFU connection takes its time: the mesh must stay up meanwhile
        runtime.addBackend(mesh, Map.of("service.id", 11L));
        runtime.addBackend(sfu, Map.of("service.id", 12L));
        runtime.addClient(client("@bot:x", "BOT"), Map.of("service.id", 3L));
        try {
            join("bot");
            await("connected full_mesh bot");
            int members = 1;
            for (String id : List.of("a", "b", "c")) {
                join(id);
                await("session full_mesh bot " + ++members);
            }
            assertFalse(log.stream().anyMatch(l -> l.contains("livekit")), "four members stay in mesh: " + log);

            join("d"); // the fifth member: everyone moves to the oldest member's SFU
            await("connect livekit bot https://bot.sfu");
            await("session full_mesh bot 5"); // the mesh connection is still live and follows the session
            assertFalse(log.contains("close full_mesh bot"), "the mesh must stay up while the SFU connects: " + log);
            sfu.release();
            await("close full_mesh bot");
            assertTrue(log.indexOf("connected livekit bot") < log.indexOf("close full_mesh bot"), log.toString());

            long left = leave("d");
            leave("c"); // three members = L: the hold runs from here
            time.advance(left + 1_000 + HOLD - 1 - time.millis());
            assertEquals(Transport.LIVEKIT, active(), "still on the SFU 1 ms before the hold ends");
            time.advance(1); // no event: the core's timer ends the hold
            assertEquals(Transport.FULL_MESH, active(), "the hold ended");
            await("close livekit bot");
            int back = log.lastIndexOf("connected full_mesh bot");
            assertTrue(back > log.indexOf("connected livekit bot") && back < log.indexOf("close livekit bot"),
                    "back to mesh make-before-break: " + log);
            System.out.println("mesh->sfu->mesh through the core and the focus runtime: " + String.join(" | ", log));
        } finally {
            runtime.deactivate();
        }
        assertEquals(2, mesh.connections.size(), "mesh connected twice: before and after the SFU period");
        assertEquals(1, sfu.connections.size());
        assertTrue(mesh.connections.stream().allMatch(c -> c.closed) && sfu.connections.get(0).closed);
    }

    private String active() {
        return core.session(Events.ROOM, dev.mxrtc.api.SlotId.ROOM_CALL).orElseThrow().activeTransport().orElseThrow()
                .type();
    }

    private void join(String id) {
        String user = "@" + id + ":x";
        String device = id.toUpperCase();
        long ts = time.millis();
        RoomEvent member = Events.state("org.matrix.msc3401.call.member", "_" + user + "_" + device + "_m.call", user, ts,
                "{'application':'m.call','call_id':'','scope':'m.room','device_id':'" + device + "','created_ts':" + ts
                        + ",'expires':14400000,'focus_active':{'type':'livekit','focus_selection':'full_mesh_into_livekit'},"
                        + "'foci_preferred':[{'type':'full_mesh_into_livekit','max_mesh_members':4,"
                        + "'mesh_return_members':3,'mesh_hold_ms':" + HOLD + "},{'type':'full_mesh'},"
                        + "{'type':'livekit','livekit_service_url':'https://" + id + ".sfu'}]}");
        core.onRoomEvents(Events.ROOM, List.of(Events.joined(user), member));
        time.advance(1_000);
    }

    /** @return the leave event's origin_server_ts */
    private long leave(String id) {
        long ts = time.millis();
        core.onRoomEvents(Events.ROOM, List.of(Events.legacyLeave("@" + id + ":x", id.toUpperCase(), ts)));
        time.advance(1_000);
        return ts;
    }

    private void await(String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log.contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' within 10 s: " + log);
            }
            Thread.sleep(2);
        }
    }

    /** Test double of a {@link FocusBackend}: logs connect / session / close; connect may be held until released. */
    private final class InMemoryBackend implements FocusBackend {
        final String type;
        final List<Conn> connections = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<FocusConnection>> held = new ArrayList<>();
        volatile boolean hold;

        InMemoryBackend(String type) {
            this.type = type;
        }

        @Override
        public String transportType() {
            return type;
        }

        @Override
        public synchronized CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport) {
            log.add("connect " + type + " " + self.memberId().split(":")[0].substring(1) + " "
                    + transport.stringField("livekit_service_url").orElse("-"));
            CompletableFuture<FocusConnection> f = new CompletableFuture<>();
            Conn c = new Conn(transport, self.memberId().split(":")[0].substring(1));
            if (hold) {
                held.add(f);
                return f.thenApply(x -> c.up());
            }
            f.complete(c.up());
            return f;
        }

        synchronized void release() {
            held.forEach(f -> f.complete(null));
            held.clear();
        }

        final class Conn implements FocusConnection {
            final Transport transport;
            final String who;
            volatile boolean closed;

            Conn(Transport transport, String who) {
                this.transport = transport;
                this.who = who;
            }

            Conn up() {
                connections.add(this);
                log.add("connected " + type + " " + who);
                return this;
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public void sessionChanged(Session session) {
                log.add("session " + type + " " + who + " " + session.members().size());
            }

            @Override
            public void close() {
                closed = true;
                log.add("close " + type + " " + who);
            }
        }
    }

    private static MatrixClient client(String user, String device) {
        return (MatrixClient) Proxy.newProxyInstance(MatrixClient.class.getClassLoader(),
                new Class<?>[] {MatrixClient.class}, (p, m, args) -> switch (m.getName()) {
                    case "userId" -> user;
                    case "deviceId" -> device;
                    case "toString" -> "client " + user;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static FocusRuntimeComponent.Config config() {
        return new FocusRuntimeComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FocusRuntimeComponent.Config.class;
            }

            @Override
            public long connect_timeout_ms() {
                return 20_000;
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
                return 5_000;
            }
        };
    }
}
