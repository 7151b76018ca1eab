package dev.mxrtc.focus.livekit;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import com.fasterxml.jackson.databind.JsonNode;

import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Pong;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;

/**
 * TEST DOUBLE of a LiveKit SFU, at the signalling level only (not product code; no LiveKit SFU runs on this
 * machine). A websocket server speaking LiveKit's protobuf signalling, built from LiveKit's own generated classes:
 * {@code /rtc?access_token=…} with the token checked (HS256, key/secret of {@link TestJwt}), a {@code JoinResponse}
 * with a participant sid and ping settings, a subscriber offer after the join, an answer to every publisher offer,
 * trickle both ways, {@code ping_req → pong_resp}, {@code reconnect=1&sid=…} answered with a
 * {@code ReconnectResponse} while it remembers the sid or with {@code Leave{RECONNECT}} once it forgot, and a
 * {@code LeaveRequest} from the client ends the participant. It forwards no media: SDPs it sends are canned text.
 */
final class FakeLiveKitSfu extends WebSocketServer {

    static final String SUBSCRIBER_OFFER = "v=0 fake subscriber offer";

    record Joined(String identity, String room, String sid, boolean resumed) {
    }

    final List<Joined> joins = new CopyOnWriteArrayList<>();
    final List<SignalRequest> received = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    private final Map<String, String> identities = new ConcurrentHashMap<>(); // sid -> identity
    private final Map<WebSocket, String> sids = new ConcurrentHashMap<>();
    private final AtomicInteger nextSid = new AtomicInteger();
    private final CountDownLatch started = new CountDownLatch(1);
    private final int pingIntervalSeconds;
    private final int pingTimeoutSeconds;
    volatile boolean answerPings = true;

    FakeLiveKitSfu(int pingIntervalSeconds, int pingTimeoutSeconds) throws InterruptedException {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.pingIntervalSeconds = pingIntervalSeconds;
        this.pingTimeoutSeconds = pingTimeoutSeconds;
        setReuseAddr(true);
        setConnectionLostTimeout(0);
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("fake SFU did not start");
        }
    }

    String url() {
        return "ws://127.0.0.1:" + getPort();
    }

    /** Cuts every websocket without a close handshake, as a network failure would. */
    void dropAll() {
        for (WebSocket ws : getConnections()) {
            ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by the test");
        }
    }

    /** Forgets every participant, as a restarted SFU node would: resumes are refused from now on. */
    void forgetParticipants() {
        identities.clear();
    }

    /** Asks every connected participant to leave with {@code action}. */
    void leaveAll(LeaveRequest.Action action) {
        for (WebSocket ws : getConnections()) {
            send(ws, SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder().setAction(action)).build());
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket ws, ClientHandshake handshake) {
        URI uri = URI.create(handshake.getResourceDescriptor());
        Map<String, String> query = new java.util.HashMap<>();
        for (String kv : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            query.put(p[0], p.length > 1 ? java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8) : "");
        }
        JsonNode claims = uri.getPath().equals("/rtc")
                ? TestJwt.verify(query.getOrDefault("access_token", ""), System.currentTimeMillis() / 1000) : null;
        if (claims == null || !claims.path("video").path("roomJoin").asBoolean()) {
            refusals.add("bad token");
            ws.close(CloseFrame.POLICY_VALIDATION, "unauthorized");
            return;
        }
        String identity = claims.path("sub").asText();
        String room = claims.path("video").path("room").asText();
        if ("1".equals(query.get("reconnect"))) {
            String sid = query.getOrDefault("sid", "");
            if (!identity.equals(identities.get(sid))) {
                refusals.add("unknown sid " + sid);
                send(ws, SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder()
                        .setAction(LeaveRequest.Action.RECONNECT).setCanReconnect(true)).build());
                return;
            }
            sids.put(ws, sid);
            joins.add(new Joined(identity, room, sid, true));
            send(ws, SignalResponse.newBuilder().setReconnect(ReconnectResponse.getDefaultInstance()).build());
            return;
        }
        String sid = "PA_" + nextSid.incrementAndGet();
        identities.put(sid, identity);
        sids.put(ws, sid);
        joins.add(new Joined(identity, room, sid, false));
        send(ws, SignalResponse.newBuilder().setJoin(JoinResponse.newBuilder()
                .setRoom(Room.newBuilder().setName(room).setSid("RM_1"))
                .setParticipant(ParticipantInfo.newBuilder().setSid(sid).setIdentity(identity))
                .setServerVersion("fake-1.0").setPingInterval(pingIntervalSeconds).setPingTimeout(pingTimeoutSeconds)
                .setSubscriberPrimary(true)).build());
        send(ws, SignalResponse.newBuilder().setOffer(SessionDescription.newBuilder().setType("offer")
                .setSdp(SUBSCRIBER_OFFER).setId(1)).build());
    }

    @Override
    public void onMessage(WebSocket ws, ByteBuffer bytes) {
        SignalRequest request;
        try {
            request = SignalRequest.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            refusals.add("undecodable request");
            return;
        }
        received.add(request);
        switch (request.getMessageCase()) {
            case OFFER -> {
                send(ws, SignalResponse.newBuilder().setAnswer(SessionDescription.newBuilder().setType("answer")
                        .setSdp("v=0 fake answer to " + request.getOffer().getSdp().length() + " bytes")
                        .setId(request.getOffer().getId())).build());
                send(ws, SignalResponse.newBuilder().setTrickle(TrickleRequest.newBuilder()
                        .setTarget(SignalTarget.PUBLISHER)
                        .setCandidateInit("{\"candidate\":\"candidate:1 1 udp 2130706431 10.77.0.9 7882 typ host\","
                                + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0}")).build());
            }
            case PING_REQ -> {
                if (answerPings) {
                    send(ws, SignalResponse.newBuilder().setPongResp(Pong.newBuilder()
                            .setLastPingTimestamp(request.getPingReq().getTimestamp())
                            .setTimestamp(System.currentTimeMillis())).build());
                }
            }
            case PING -> {
                if (answerPings) {
                    send(ws, SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
                }
            }
            case LEAVE -> {
                String sid = sids.remove(ws);
                if (sid != null) {
                    identities.remove(sid);
                }
                ws.close(CloseFrame.NORMAL, "left");
            }
            default -> {
            }
        }
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
        refusals.add("text message");
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean remote) {
        sids.remove(ws);
    }

    @Override
    public void onError(WebSocket ws, Exception e) {
    }

    long count(SignalRequest.MessageCase kind) {
        return received.stream().filter(r -> r.getMessageCase() == kind).count();
    }

    private static void send(WebSocket ws, SignalResponse response) {
        if (ws.isOpen()) {
            ws.send(response.toByteArray());
        }
    }
}
