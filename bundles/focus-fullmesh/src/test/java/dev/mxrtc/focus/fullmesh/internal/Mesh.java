package dev.mxrtc.focus.fullmesh.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.focus.fullmesh.FullMeshConnection;
import dev.mxrtc.focus.fullmesh.MeshListener;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;

/**
 * A test world: members with their own backend, {@link FakeMedia} and an in-memory signalling transport that
 * delivers to the addressed device's backend (recording every message, dropping what a filter says), all on one
 * {@link ManualActor}.
 */
final class Mesh {

    static final String ROOM = "!room:test";
    static final Transport FULL_MESH = new Transport(Transport.FULL_MESH, Map.of());

    record Sent(String fromUser, SignallingTransport.Peer to, SignallingTransport.Message message) {
    }

    final ManualActor actor = new ManualActor();
    final Map<String, FakeMedia.FakePeer> net = new ConcurrentHashMap<>();
    final List<Sent> sent = new ArrayList<>();
    final Map<String, Party> byDevice = new ConcurrentHashMap<>();
    Predicate<Sent> drop = s -> false;
    long ts = 1;

    final class Party {
        final Member member;
        final FakeMedia media = new FakeMedia(net);
        final FullMeshBackend backend;
        final List<String> events = new ArrayList<>();
        FullMeshConnection connection;

        Party(String user, String device, String memberId, FullMeshBackend.DefaultAudio audio,
                Optional<VideoPattern> video) {
            member = member(user, device, memberId);
            backend = new FullMeshBackend(media.engine(), MeshSettings.DEFAULTS, audio, video, actor::view);
            backend.addTransport(new SignallingTransport() {
                @Override
                public String type() {
                    return "to_device";
                }

                @Override
                public CompletionStage<Void> send(Peer to, Message message) {
                    Sent s = new Sent(user, to, message);
                    sent.add(s);
                    Party dest = byDevice.get(to.userId() + "|" + to.deviceId());
                    if (dest != null && !drop.test(s)) {
                        dest.backend.onMessage("to_device", new Peer(to.roomId(), user, device, ""), message);
                    }
                    return CompletableFuture.completedFuture(null);
                }
            });
            byDevice.put(user + "|" + device, this);
        }

        void connect(Session s) {
            connection = (FullMeshConnection) backend.connect(s, member, FULL_MESH).toCompletableFuture().join();
            connection.addListener(new MeshListener() {
                @Override
                public void onPeerState(Member remote, PeerState state) {
                    events.add(remote.memberId() + ":" + state);
                }

                @Override
                public void onData(Member remote, String text) {
                    events.add(remote.memberId() + ">" + text);
                }

                @Override
                public void onVideo(Member remote, VideoLevel level) {
                    events.add(remote.memberId() + ":video:" + String.format("#%06x", level.rgb()) + "@" + level.fps());
                }

                @Override
                public void onPeerClosed(Member remote, String reason) {
                    events.add(remote.memberId() + ":closed:" + reason);
                }
            });
        }

        long connectedPeers() {
            return stats().stream().filter(s -> s.state() == PeerState.CONNECTED).count();
        }

        List<dev.mxrtc.focus.fullmesh.PeerStats> stats() {
            actor.drain();
            return ((MeshSession) connection).statsNow();
        }
    }

    Member member(String user, String device, String memberId) {
        long created = ts++;
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, memberId, Application.of("m.call"),
                List.of(FULL_MESH), List.of(Transport.FULL_MESH), Optional.empty(), created, created + 3_600_000,
                MemberFormat.STICKY, "key-" + memberId, "$ev-" + memberId);
    }

    Party party(String user, String device, String memberId) {
        return new Party(user, device, memberId, FullMeshBackend.DefaultAudio.NONE, Optional.empty());
    }

    Party party(String user, String device, String memberId, FullMeshBackend.DefaultAudio audio) {
        return new Party(user, device, memberId, audio, Optional.empty());
    }

    Party party(String user, String device, String memberId, VideoPattern video) {
        return new Party(user, device, memberId, FullMeshBackend.DefaultAudio.NONE, Optional.of(video));
    }

    /** Every open peer of every party sends one video summary to its other end; then the actor runs. */
    void pumpVideo() {
        net.values().stream().filter(p -> !p.closed).forEach(FakeMedia.FakePeer::pumpVideo);
        actor.drain();
    }

    static Session session(Member... members) {
        return new Session(ROOM, SlotId.ROOM_CALL, List.of(members), 1, Optional.of(FULL_MESH));
    }

    static Session session(List<Member> members) {
        return new Session(ROOM, SlotId.ROOM_CALL, members, 1, Optional.of(FULL_MESH));
    }

    List<Sent> sentOfType(String type) {
        return sent.stream().filter(s -> s.message().type().equals(type)).toList();
    }
}
