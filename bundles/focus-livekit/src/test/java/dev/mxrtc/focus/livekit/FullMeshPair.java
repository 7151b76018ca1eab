package dev.mxrtc.focus.livekit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.focus.fullmesh.FullMeshConnection;
import dev.mxrtc.focus.fullmesh.MeshListener;
import dev.mxrtc.focus.fullmesh.internal.FullMeshBackend;
import dev.mxrtc.focus.fullmesh.internal.MeshSettings;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.MediaEngine;

/**
 * Two members in a {@code full_mesh} session over the real full-mesh backend and the given media engines, for the
 * join-to-media comparison. Signalling is an in-memory {@code to_device} transport (a test double of Matrix to-device
 * delivery, so the figure is the media path's, not the homeserver's).
 */
final class FullMeshPair implements AutoCloseable {

    private static final Transport FULL_MESH = new Transport(Transport.FULL_MESH, Map.of());

    private final FullMeshBackend a;
    private final FullMeshBackend b;
    private final Member ma;
    private final Member mb;
    private FullMeshConnection ca;
    private FullMeshConnection cb;

    FullMeshPair(MediaEngine engineA, MediaEngine engineB) {
        a = new FullMeshBackend(engineA, MeshSettings.DEFAULTS);
        b = new FullMeshBackend(engineB, MeshSettings.DEFAULTS);
        ma = member("@alice:localhost", "ALICEDEV", "mesh-a", 1);
        mb = member("@bob:localhost", "BOBDEV", "mesh-b", 2);
        a.addTransport(new Memory(ma, b));
        b.addTransport(new Memory(mb, a));
    }

    /** Connects both; each publishes its tone and reports what it hears. */
    void connect(double toneA, double toneB, TestMedia.Heard heardA, TestMedia.Heard heardB) throws Exception {
        Session s = new Session(Sessions4Test.ROOM, SlotId.ROOM_CALL, List.of(ma, mb), 1, Optional.of(FULL_MESH));
        CompletableFuture<?> fa = a.connect(s, ma, FULL_MESH).toCompletableFuture();
        CompletableFuture<?> fb = b.connect(s, mb, FULL_MESH).toCompletableFuture();
        ca = (FullMeshConnection) fa.get(30, TimeUnit.SECONDS);
        cb = (FullMeshConnection) fb.get(30, TimeUnit.SECONDS);
        ca.addListener(listener(heardA));
        cb.addListener(listener(heardB));
        ca.publishTone(toneA);
        cb.publishTone(toneB);
    }

    private static MeshListener listener(TestMedia.Heard heard) {
        return new MeshListener() {
            @Override
            public void onAudio(Member remote, AudioLevel level) {
                heard.add(level);
            }
        };
    }

    private static Member member(String user, String device, String memberId, long created) {
        return new Member(Sessions4Test.ROOM, SlotId.ROOM_CALL, user, device, memberId, Application.of("m.call"),
                List.of(FULL_MESH), List.of(Transport.FULL_MESH), Optional.empty(), created, created + 3_600_000,
                MemberFormat.STICKY, memberId, "$" + memberId);
    }

    /** Delivers to the other backend at once, as if the homeserver had forwarded the to-device message. */
    private record Memory(Member from, FullMeshBackend to) implements SignallingTransport {
        @Override
        public String type() {
            return "to_device";
        }

        @Override
        public CompletionStage<Void> send(Peer dest, Message message) {
            to.onMessage("to_device", new Peer(dest.roomId(), from.userId(), from.deviceId(), ""), message);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
