package dev.mxrtc.livekit.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitModels;
import livekit.LivekitRoom;

/**
 * TEST DOUBLE for the LiveKit SFU's room service (Twirp over HTTP, protobuf bodies), because a LiveKit server binary
 * cannot run here. It speaks the wire format LiveKit's own SDK sends and checks its auth the way the SFU does (HS256
 * JWT with the API key as issuer, roomCreate for CreateRoom, roomAdmin on the room for ListParticipants). Which
 * participants are "connected" is set by the test.
 */
final class FakeLiveKitRoomService implements AutoCloseable {
    final Map<String, LivekitRoom.CreateRoomRequest> rooms = new ConcurrentHashMap<>();
    final Map<String, Set<String>> participants = new ConcurrentHashMap<>();
    final List<String> authFailures = new CopyOnWriteArrayList<>();
    final AtomicInteger listCalls = new AtomicInteger();
    final AtomicBoolean failCreate = new AtomicBoolean();
    private final HttpServer server;
    private final String key;
    private final String secret;

    FakeLiveKitRoomService(String key, String secret) throws IOException {
        this.key = key;
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/twirp/livekit.RoomService/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    void connect(String room, String identity) {
        participants.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(identity);
    }

    void disconnect(String room, String identity) {
        participants.getOrDefault(room, Set.of()).remove(identity);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestURI().getPath().substring("/twirp/livekit.RoomService/".length());
            DecodedJWT jwt;
            try {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                jwt = JWT.require(Algorithm.HMAC256(secret)).withIssuer(key).build().verify(auth.substring("Bearer ".length()));
            } catch (RuntimeException e) {
                authFailures.add(method + ": " + e.getMessage());
                twirpError(ex, 401, "unauthenticated");
                return;
            }
            Map<String, Object> video = jwt.getClaim("video").asMap();
            switch (method) {
                case "CreateRoom" -> {
                    if (!Boolean.TRUE.equals(video.get("roomCreate"))) {
                        authFailures.add("CreateRoom without roomCreate");
                        twirpError(ex, 403, "permission_denied");
                        return;
                    }
                    if (failCreate.get()) {
                        twirpError(ex, 500, "internal");
                        return;
                    }
                    LivekitRoom.CreateRoomRequest req = LivekitRoom.CreateRoomRequest.parseFrom(body);
                    rooms.put(req.getName(), req);
                    reply(ex, LivekitModels.Room.newBuilder().setName(req.getName()).setSid("RM_" + req.getName().hashCode())
                            .setEmptyTimeout(req.getEmptyTimeout()).setDepartureTimeout(req.getDepartureTimeout())
                            .setCreationTime(System.currentTimeMillis() / 1000).build().toByteArray());
                }
                case "ListParticipants" -> {
                    listCalls.incrementAndGet();
                    LivekitRoom.ListParticipantsRequest req = LivekitRoom.ListParticipantsRequest.parseFrom(body);
                    if (!Boolean.TRUE.equals(video.get("roomAdmin")) || !req.getRoom().equals(video.get("room"))) {
                        authFailures.add("ListParticipants without roomAdmin on " + req.getRoom());
                        twirpError(ex, 403, "permission_denied");
                        return;
                    }
                    if (!rooms.containsKey(req.getRoom()) && !participants.containsKey(req.getRoom())) {
                        twirpError(ex, 404, "not_found");
                        return;
                    }
                    LivekitRoom.ListParticipantsResponse.Builder out = LivekitRoom.ListParticipantsResponse.newBuilder();
                    for (String id : participants.getOrDefault(req.getRoom(), Set.of())) {
                        out.addParticipants(LivekitModels.ParticipantInfo.newBuilder().setIdentity(id).setSid("PA_" + id.hashCode()));
                    }
                    reply(ex, out.build().toByteArray());
                }
                default -> twirpError(ex, 404, "bad_route");
            }
        }
    }

    private static void reply(HttpExchange ex, byte[] proto) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/protobuf");
        ex.sendResponseHeaders(200, proto.length);
        ex.getResponseBody().write(proto);
    }

    private static void twirpError(HttpExchange ex, int status, String code) throws IOException {
        byte[] b = ("{\"code\":\"" + code + "\",\"msg\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
