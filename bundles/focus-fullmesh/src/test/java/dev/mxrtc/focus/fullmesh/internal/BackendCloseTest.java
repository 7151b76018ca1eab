package dev.mxrtc.focus.fullmesh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.spi.SignallingTransport;

/**
 * Closing the backend (what the DS component does when it is deactivated, e.g. reconfigured) hands every hangup to
 * the transport before it returns: SCR unbinds the transports right after, and a hangup queued behind that was lost.
 * Real actor threads here; the media is {@link FakeMedia} (a test double: the real worker runs in itest-media).
 */
@Timeout(20)
class BackendCloseTest {

    @Test
    void closeReturnsOnlyAfterTheHangupsWentToTheTransport() throws Exception {
        Mesh world = new Mesh(); // only for its members and sessions
        Member alice = world.member("@alice:test", "ADEV", "m-a");
        Member bob = world.member("@bob:test", "BDEV", "m-b");
        Member carol = world.member("@carol:test", "CDEV", "m-c");
        List<Actor> actors = new CopyOnWriteArrayList<>();
        FakeMedia media = new FakeMedia(new ConcurrentHashMap<>());
        FullMeshBackend backend = new FullMeshBackend(media.engine(), MeshSettings.DEFAULTS,
                FullMeshBackend.DefaultAudio.NONE, Optional.empty(), name -> {
                    Actor a = new ThreadActor(name);
                    actors.add(a);
                    return a;
                });
        List<String> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean removed = new AtomicBoolean();
        SignallingTransport transport = new SignallingTransport() {
            @Override
            public String type() {
                return "to_device";
            }

            @Override
            public CompletionStage<Void> send(Peer to, Message message) {
                sent.add((removed.get() ? "after removal: " : "") + message.type() + " " + to.userId());
                return CompletableFuture.completedFuture(null);
            }
        };
        backend.addTransport(transport);
        backend.connect(Mesh.session(alice, bob, carol), alice, Mesh.FULL_MESH).toCompletableFuture().join();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent.stream().filter(s -> s.startsWith(CallWire.INVITE)).count() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(2, sent.stream().filter(s -> s.startsWith(CallWire.INVITE)).count(), sent.toString());

        // the mesh's thread is busy when the close comes, as under load
        actors.get(0).execute(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        backend.close();
        removed.set(true); // what SCR does next: the dynamic transport reference is unbound
        backend.removeTransport(transport);
        List<String> hangups = sent.stream().filter(s -> s.contains(CallWire.HANGUP)).toList();
        assertEquals(List.of(CallWire.HANGUP + " @bob:test", CallWire.HANGUP + " @carol:test"),
                hangups.stream().sorted().toList(), "both hangups went out before close returned: " + sent);
        assertTrue(backend.mesh("m-a").isEmpty());
    }
}
