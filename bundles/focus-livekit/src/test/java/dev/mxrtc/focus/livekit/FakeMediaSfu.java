package dev.mxrtc.focus.livekit;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.supervisor.MediaSupervisor;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ReconnectReason;
import livekit.LivekitModels.Room;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.ParticipantUpdate;
import livekit.LivekitRtc.Pong;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrackPublishedResponse;
import livekit.LivekitRtc.TrickleRequest;

/**
 * TEST DOUBLE of a LiveKit SFU that forwards real media (not product code; no LiveKit SFU runs on this machine).
 * It speaks LiveKit's protobuf signalling with LiveKit's generated classes, like {@link FakeLiveKitSfu}, and
 * terminates WebRTC in its own media process (a {@link MediaSupervisor} worker JVM in the test's network namespace):
 * <ul>
 * <li>join: token checked, {@code JoinResponse} with the other participants, then the SFU offers the participant's
 * subscriber connection (one audio track: silence until another participant publishes);</li>
 * <li>{@code AddTrackRequest} → {@code TrackPublishedResponse}; the publisher's offer is answered by an answering peer,
 * and the offer's {@code a=msid} track id must equal the announced {@code cid} (else it is listed in
 * {@link #problems}); other participants get a {@code ParticipantUpdate} with the track;</li>
 * <li>trickle both ways, pings, leave; resume ({@code reconnect=1&sid=…}) while it remembers the participant;</li>
 * <li>LiveKit restarts ICE on the subscriber when a participant resumes. This double cannot restart ICE (the media
 * API has no ICE restart), so it re-offers a fresh subscriber connection instead, and only when the resume says
 * {@code RR_SUBSCRIBER_FAILED} or its side of the subscriber is not connected; a publisher's new offer replaces its
 * publisher connection.</li>
 * </ul>
 * <b>Limitation:</b> each subscriber connection carries one audio track, the decoded audio of ONE other participant
 * (the oldest other one that publishes; re-chosen when it leaves). A real SFU forwards every publisher's track,
 * undecoded, with renegotiation per track; with two participants the difference does not show.
 */
final class FakeMediaSfu extends WebSocketServer implements AutoCloseable {

    private static final Pattern MSID = Pattern.compile("(?m)^a=msid:\\S+ (\\S+)\\s*$");

    /** One participant, owned by the {@link #state} thread. */
    private final class Participant {
        final String sid;
        final String identity;
        WebSocket ws;
        Peer publisher;
        Peer subscriber;
        PeerEvents publisherEvents;
        PeerEvents subscriberEvents;
        PeerState subscriberState = PeerState.NEW;
        String trackCid;
        int offerId;
        String trackSid;
        Participant source;

        Participant(String sid, String identity) {
            this.sid = sid;
            this.identity = identity;
        }

        ParticipantInfo info(ParticipantInfo.State st) {
            ParticipantInfo.Builder b = ParticipantInfo.newBuilder().setSid(sid).setIdentity(identity).setState(st);
            if (trackSid != null && publisher != null) {
                b.addTracks(TrackInfo.newBuilder().setSid(trackSid).setType(TrackType.AUDIO)
                        .setSource(TrackSource.MICROPHONE).setName("microphone"));
            }
            return b.build();
        }
    }

    record Joined(String identity, String sid, boolean resumed, int reason) {
    }

    final List<Joined> joins = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<SignalRequest.MessageCase> received = new CopyOnWriteArrayList<>();
    /** The last state of each of the double's peers ({@code pub-PA_1}, {@code sub-PA_1}, …), for diagnostics. */
    final Map<String, PeerState> peerStates = new java.util.concurrent.ConcurrentHashMap<>();
    private final MediaSupervisor engine;
    private final ExecutorService state = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-media-sfu"));
    private final CountDownLatch started = new CountDownLatch(1);
    private final int pingIntervalSeconds;
    private final int pingTimeoutSeconds;
    // state-thread owned
    private final Map<String, Participant> participants = new LinkedHashMap<>(); // by sid, oldest first
    private final Map<WebSocket, Participant> bySocket = new HashMap<>();
    private int nextSid;
    private final String sidPrefix;
    /** When each publisher connection of an identity first reached CONNECTED here (nanoTime). */
    final Map<String, Long> publisherConnectedAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** When the answer to each identity's first publisher offer went out (nanoTime). */
    final Map<String, Long> publisherAnsweredAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** When each identity's LeaveRequest arrived (nanoTime). */
    final Map<String, Long> leftAt = new java.util.concurrent.ConcurrentHashMap<>();
    volatile int workerRestarts;
    /** When audio (RMS &gt; 0.02) from each identity's publisher first / last reached the double (nanoTime). */
    final Map<String, Long> firstAudioAt = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, Long> lastAudioAt = new java.util.concurrent.ConcurrentHashMap<>();

    FakeMediaSfu(MediaSupervisor engine, int pingIntervalSeconds, int pingTimeoutSeconds) throws InterruptedException {
        this(engine, "PA_", pingIntervalSeconds, pingTimeoutSeconds);
    }

    /** @param sidPrefix participant sids start with it; two doubles on one media engine need different ones */
    FakeMediaSfu(MediaSupervisor engine, String sidPrefix, int pingIntervalSeconds, int pingTimeoutSeconds)
            throws InterruptedException {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.engine = engine;
        this.sidPrefix = sidPrefix;
        this.pingIntervalSeconds = pingIntervalSeconds;
        this.pingTimeoutSeconds = pingTimeoutSeconds;
        setReuseAddr(true);
        setConnectionLostTimeout(0);
        // Its own media worker restarting (a libwebrtc abort, or a hang under load) is what a crashed SFU node is to
        // LiveKit's clients: the double forgets everyone and drops the sockets, and the clients join again.
        engine.addWorkerListener((peers, status) -> on(() -> {
            workerRestarts++;
            for (Participant p : List.copyOf(participants.values())) {
                remove(p, false);
            }
            dropAll();
        }));
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("fake SFU did not start");
        }
    }

    String url() {
        return "ws://127.0.0.1:" + getPort();
    }

    /** Cuts every websocket without a close handshake, as a network failure would; media keeps flowing. */
    void dropAll() {
        for (WebSocket ws : getConnections()) {
            ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by the test");
        }
    }

    /** Forgets every participant and closes their peers, as a restarted SFU node would: resumes are refused. */
    void forgetParticipants() throws Exception {
        state.submit(() -> {
            for (Participant p : List.copyOf(participants.values())) {
                remove(p, false);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** The identities whose signalling socket is open now (joined or resumed, not between sockets). */
    java.util.Set<String> connectedIdentities() throws Exception {
        return state.submit(() -> participants.values().stream().filter(p -> p.ws != null && p.ws.isOpen())
                .map(p -> p.identity).collect(java.util.stream.Collectors.toSet())).get(10, TimeUnit.SECONDS);
    }

    long count(SignalRequest.MessageCase kind) {
        return received.stream().filter(k -> k == kind).count();
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket ws, ClientHandshake handshake) {
        URI uri = URI.create(handshake.getResourceDescriptor());
        Map<String, String> query = new HashMap<>();
        for (String kv : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            query.put(p[0], p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        JsonNode claims = uri.getPath().equals("/rtc")
                ? TestJwt.verify(query.getOrDefault("access_token", ""), System.currentTimeMillis() / 1000) : null;
        if (claims == null || !claims.path("video").path("roomJoin").asBoolean()) {
            problems.add("bad token");
            ws.close(CloseFrame.POLICY_VALIDATION, "unauthorized");
            return;
        }
        String identity = claims.path("sub").asText();
        String room = claims.path("video").path("room").asText();
        on(() -> {
            if ("1".equals(query.get("reconnect"))) {
                resume(ws, identity, query.getOrDefault("sid", ""), parseInt(query.get("reconnect_reason")));
            } else {
                join(ws, identity, room);
            }
        });
    }

    private void join(WebSocket ws, String identity, String room) {
        for (Participant old : List.copyOf(participants.values())) {
            if (old.identity.equals(identity)) {
                remove(old, true); // LiveKit: a second join of an identity replaces the first
            }
        }
        Participant p = new Participant(sidPrefix + (++nextSid), identity);
        p.ws = ws;
        JoinResponse.Builder join = JoinResponse.newBuilder().setRoom(Room.newBuilder().setName(room).setSid("RM_1"))
                .setParticipant(p.info(ParticipantInfo.State.JOINED)).setServerVersion("fake-media-1.0")
                .setPingInterval(pingIntervalSeconds).setPingTimeout(pingTimeoutSeconds).setSubscriberPrimary(true);
        participants.values().forEach(o -> join.addOtherParticipants(o.info(ParticipantInfo.State.ACTIVE)));
        participants.put(p.sid, p);
        bySocket.put(ws, p);
        joins.add(new Joined(identity, p.sid, false, 0));
        send(p, SignalResponse.newBuilder().setJoin(join).build());
        p.subscriberEvents = new PeerEvents(p, false);
        p.subscriber = engine.createPeer("sub-" + p.sid, PeerRole.OFFERER, true, p.subscriberEvents);
        chooseSources();
    }

    private void resume(WebSocket ws, String identity, String sid, int reason) {
        Participant p = participants.get(sid);
        if (p == null || !p.identity.equals(identity)) {
            problems.add("resume of unknown sid " + sid + " (refused, as LiveKit does)");
            send(ws, SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder()
                    .setAction(LeaveRequest.Action.RECONNECT).setCanReconnect(true)).build());
            return;
        }
        if (p.ws != null) {
            bySocket.remove(p.ws);
        }
        p.ws = ws;
        bySocket.put(ws, p);
        joins.add(new Joined(identity, sid, true, reason));
        send(p, SignalResponse.newBuilder().setReconnect(ReconnectResponse.getDefaultInstance()).build());
        if (reason == ReconnectReason.RR_SUBSCRIBER_FAILED_VALUE || p.subscriberState != PeerState.CONNECTED) {
            p.subscriberEvents.newConnection();
            p.subscriber.reconnect(); // stands in for LiveKit's subscriber ICE restart: a fresh offer
        }
    }

    @Override
    public void onMessage(WebSocket ws, ByteBuffer bytes) {
        SignalRequest request;
        try {
            request = SignalRequest.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            problems.add("undecodable request");
            return;
        }
        received.add(request.getMessageCase());
        on(() -> {
            Participant p = bySocket.get(ws);
            if (p == null) {
                return;
            }
            switch (request.getMessageCase()) {
                case ADD_TRACK -> addTrack(p, request.getAddTrack());
                case OFFER -> publisherOffer(p, request.getOffer().getSdp(), request.getOffer().getId());
                case ANSWER -> p.subscriber.setRemoteDescription(new SessionDescription(SessionDescription.Type.ANSWER,
                        request.getAnswer().getSdp()));
                case TRICKLE -> {
                    Peer to = request.getTrickle().getTarget() == SignalTarget.SUBSCRIBER ? p.subscriber : p.publisher;
                    SfuLink.parseCandidate(request.getTrickle().getCandidateInit()).ifPresent(c -> {
                        if (to == null) {
                            problems.add("publisher candidate before the offer");
                        } else {
                            to.addIceCandidate(c);
                        }
                    });
                }
                case PING_REQ -> send(p, SignalResponse.newBuilder().setPongResp(Pong.newBuilder()
                        .setLastPingTimestamp(request.getPingReq().getTimestamp())
                        .setTimestamp(System.currentTimeMillis())).build());
                case PING -> send(p, SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
                case LEAVE -> {
                    leftAt.putIfAbsent(p.identity, System.nanoTime());
                    remove(p, true);
                    ws.close(CloseFrame.NORMAL, "left");
                }
                default -> {
                }
            }
        });
    }

    private void addTrack(Participant p, AddTrackRequest add) {
        if (add.getType() != TrackType.AUDIO || add.getCid().isEmpty()) {
            problems.add("unexpected AddTrackRequest " + add.getType() + " cid '" + add.getCid() + "'");
        }
        p.trackCid = add.getCid();
        p.trackSid = "TR_" + p.sid + "_" + add.getCid().hashCode();
        send(p, SignalResponse.newBuilder().setTrackPublished(TrackPublishedResponse.newBuilder().setCid(add.getCid())
                .setTrack(TrackInfo.newBuilder().setSid(p.trackSid).setType(add.getType()).setSource(add.getSource())
                        .setName(add.getName()))).build());
    }

    private void publisherOffer(Participant p, String sdp, int offerId) {
        p.offerId = offerId;
        Matcher m = MSID.matcher(sdp);
        String msidTrack = m.find() ? m.group(1) : null;
        if (p.trackCid == null) {
            problems.add(p.sid + ": offer without an AddTrackRequest first");
        } else if (!p.trackCid.equals(msidTrack)) {
            problems.add(p.sid + ": offer track " + msidTrack + " is not the announced cid " + p.trackCid);
        }
        if (p.publisher == null) {
            p.publisherEvents = new PeerEvents(p, true);
            p.publisher = engine.createPeer("pub-" + p.sid, PeerRole.ANSWERER, true, p.publisherEvents);
        } else {
            p.publisherEvents.newConnection();
            p.publisher.reconnect(); // a new offer on a live publisher: a fresh connection in this double
        }
        p.publisher.setRemoteDescription(new SessionDescription(SessionDescription.Type.OFFER, sdp));
        ParticipantUpdate update = ParticipantUpdate.newBuilder().addParticipants(p.info(ParticipantInfo.State.ACTIVE))
                .build();
        participants.values().stream().filter(o -> o != p)
                .forEach(o -> send(o, SignalResponse.newBuilder().setUpdate(update).build()));
        chooseSources();
    }

    /** Each subscriber forwards the oldest other participant that publishes (see the limitation above). */
    private void chooseSources() {
        for (Participant q : participants.values()) {
            Participant src = participants.values().stream().filter(o -> o != q && o.publisher != null).findFirst()
                    .orElse(null);
            if (src != q.source && q.subscriber != null) {
                q.source = src;
                if (src == null) {
                    q.subscriber.publishTone(0);
                } else {
                    q.subscriber.publishAudioOf(src.publisher.id());
                }
            }
        }
    }

    private void remove(Participant p, boolean tellOthers) {
        participants.remove(p.sid);
        if (p.ws != null) {
            bySocket.remove(p.ws);
            p.ws = null;
        }
        for (Peer peer : new Peer[] {p.publisher, p.subscriber}) {
            if (peer != null) {
                peer.close();
            }
        }
        if (tellOthers) {
            ParticipantUpdate update = ParticipantUpdate.newBuilder()
                    .addParticipants(p.info(ParticipantInfo.State.DISCONNECTED)).build();
            participants.values().forEach(o -> send(o, SignalResponse.newBuilder().setUpdate(update).build()));
        }
        for (Participant q : participants.values()) {
            if (q.source == p) {
                q.source = null;
                q.subscriber.publishTone(0);
            }
        }
        chooseSources();
    }

    /** Media events of one participant's peer, handed to the state thread; candidates follow their description. */
    private final class PeerEvents implements PeerListener {
        private final Participant p;
        private final boolean publisher;
        // state-thread owned
        private boolean described;
        private final List<String> held = new java.util.ArrayList<>();

        PeerEvents(Participant p, boolean publisher) {
            this.p = p;
            this.publisher = publisher;
        }

        /** Called on the state thread before reconnect(): the new connection's candidates wait for its description. */
        void newConnection() {
            described = false;
            held.clear();
        }

        @Override
        public void onLocalDescription(SessionDescription d) {
            livekit.LivekitRtc.SessionDescription sd = livekit.LivekitRtc.SessionDescription.newBuilder()
                    .setType(d.type() == SessionDescription.Type.OFFER ? "offer" : "answer").setSdp(d.sdp()).build();
            on(() -> {
                send(p, publisher ? SignalResponse.newBuilder().setAnswer(sd.toBuilder().setId(p.offerId)).build()
                        : SignalResponse.newBuilder().setOffer(sd).build());
                if (publisher) {
                    publisherAnsweredAt.putIfAbsent(p.identity, System.nanoTime());
                }
                described = true;
                held.forEach(this::trickle);
                held.clear();
            });
        }

        @Override
        public void onLocalCandidate(IceCandidate c) {
            on(() -> {
                if (described) {
                    trickle(SfuLink.candidateInit(c));
                } else {
                    held.add(SfuLink.candidateInit(c));
                }
            });
        }

        private void trickle(String candidateInit) {
            send(p, SignalResponse.newBuilder().setTrickle(TrickleRequest.newBuilder()
                    .setTarget(publisher ? SignalTarget.PUBLISHER : SignalTarget.SUBSCRIBER)
                    .setCandidateInit(candidateInit)).build());
        }

        @Override
        public void onState(PeerState s) {
            peerStates.put((publisher ? "pub-" : "sub-") + p.sid, s);
            if (publisher && s == PeerState.CONNECTED) {
                publisherConnectedAt.putIfAbsent(p.identity, System.nanoTime());
            }
            if (!publisher) {
                on(() -> p.subscriberState = s);
            }
        }

        @Override
        public void onAudio(dev.mxrtc.media.AudioLevel level) {
            if (publisher && level.rms() > 0.02) {
                long now = System.nanoTime();
                firstAudioAt.putIfAbsent(p.identity, now);
                lastAudioAt.put(p.identity, now);
            }
        }

        @Override
        public void onReconnecting() {
            // handled for all peers at once by the worker listener (the constructor): the node "restarts"
        }
    }

    private void on(Runnable r) {
        try {
            state.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    problems.add("SFU double task failed: " + e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
        problems.add("text message");
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean remote) {
        on(() -> {
            Participant p = bySocket.remove(ws);
            if (p != null && p.ws == ws) {
                p.ws = null; // kept for a resume
            }
        });
    }

    @Override
    public void onError(WebSocket ws, Exception e) {
    }

    private static void send(Participant p, SignalResponse response) {
        if (p.ws != null) {
            send(p.ws, response);
        }
    }

    private static void send(WebSocket ws, SignalResponse response) {
        if (ws.isOpen()) {
            ws.send(response.toByteArray());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(2_000);
        state.shutdownNow();
    }
}
