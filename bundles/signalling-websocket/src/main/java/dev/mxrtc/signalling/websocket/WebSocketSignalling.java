package dev.mxrtc.signalling.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.OpenIdToken;

/**
 * The client side of {@link Hub}: one websocket (JDK {@code java.net.http.WebSocket}) from this device to a hub,
 * authenticated with a fresh Matrix OpenID token, reconnected with backoff when it drops. Sends made while the socket
 * is not ready wait in a bounded queue; received messages go to the receivers with the sender the hub verified.
 *
 * <pre>
 *  CONNECTING --open--> AUTHENTICATING --ready--> READY
 *      ^                       | refused / closed      | closed / error
 *      +------ backoff --------+-----------------------+        any --close()--> CLOSED
 * </pre>
 * State is owned by one scheduler thread.
 */
public final class WebSocketSignalling implements SignallingTransport, AutoCloseable {

    public static final String TYPE = "websocket";
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSignalling.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_QUEUED = 512;

    private enum State { CONNECTING, AUTHENTICATING, READY, CLOSED }

    private final String hubUrl;
    private final MatrixClient client;
    private final Supplier<? extends Iterable<Receiver>> receivers;
    private final ScheduledExecutorService actor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // actor-owned
    private State state = State.CONNECTING;
    private WebSocket socket;
    private final Deque<Object[]> queued = new ArrayDeque<>();
    private int failures;

    public WebSocketSignalling(String hubUrl, MatrixClient client, Supplier<? extends Iterable<Receiver>> receivers) {
        this.hubUrl = hubUrl;
        this.client = client;
        this.receivers = receivers;
        this.actor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mxrtc-websocket-signalling");
            t.setDaemon(true);
            return t;
        });
        actor.execute(this::connect);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** @return whether the hub accepted this device and messages flow */
    public boolean ready() {
        try {
            return actor.submit(() -> state == State.READY).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public CompletionStage<Void> send(Peer to, Message message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ObjectNode f = JSON.createObjectNode();
        f.put("type", "send");
        f.putObject("to").put("user_id", to.userId()).put("device_id", to.deviceId());
        f.put("event_type", message.type());
        try {
            f.set("content", JSON.readTree(message.contentJson()));
        } catch (Exception e) {
            done.completeExceptionally(new IllegalArgumentException("content is not JSON"));
            return done;
        }
        try {
            actor.execute(() -> {
                if (state == State.READY) {
                    socket.sendText(f.toString(), true).whenComplete((ws, err) -> complete(done, err));
                } else if (state == State.CLOSED || queued.size() >= MAX_QUEUED) {
                    done.completeExceptionally(new IllegalStateException("websocket signalling not available"));
                } else {
                    queued.add(new Object[] {f.toString(), done});
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("websocket signalling closed"));
        }
        return done;
    }

    private static void complete(CompletableFuture<Void> done, Throwable err) {
        if (err == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(err);
        }
    }

    private void connect() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        OpenIdToken token;
        try {
            token = client.requestOpenIdToken();
        } catch (RuntimeException e) {
            LOG.warn("no OpenID token for the websocket hub: {}", e.toString());
            retry();
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(URI.create(hubUrl), new Listener())
                .whenComplete((ws, err) -> actor.execute(() -> {
                    if (err != null) {
                        LOG.warn("websocket hub {} not reachable: {}", hubUrl, err.toString());
                        retry();
                        return;
                    }
                    if (state == State.CLOSED) {
                        ws.abort();
                        return;
                    }
                    socket = ws;
                    state = State.AUTHENTICATING;
                    ObjectNode auth = JSON.createObjectNode().put("type", "auth")
                            .put("access_token", token.accessToken())
                            .put("matrix_server_name", token.matrixServerName()).put("device_id", client.deviceId());
                    ws.sendText(auth.toString(), true);
                }));
    }

    private void retry() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        long delay = Math.min(250L << Math.min(failures, 5), 5_000);
        failures++;
        actor.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void onFrame(String text) {
        JsonNode f;
        try {
            f = JSON.readTree(text);
        } catch (Exception e) {
            LOG.info("ignoring a frame from the hub that is not JSON");
            return;
        }
        switch (f.path("type").asText("")) {
            case "ready" -> {
                state = State.READY;
                failures = 0;
                LOG.info("websocket hub {} accepted {} {}", hubUrl, f.path("user_id").asText(), client.deviceId());
                while (!queued.isEmpty()) {
                    Object[] q = queued.poll();
                    @SuppressWarnings("unchecked")
                    CompletableFuture<Void> done = (CompletableFuture<Void>) q[1];
                    socket.sendText((String) q[0], true).whenComplete((ws, err) -> complete(done, err));
                }
            }
            case "message" -> deliver(f);
            default -> LOG.info("ignoring a {} frame from the hub", f.path("type").asText());
        }
    }

    private void deliver(JsonNode f) {
        JsonNode from = f.get("from");
        JsonNode content = f.get("content");
        String eventType = f.path("event_type").asText(null);
        if (from == null || content == null || !content.isObject() || eventType == null) {
            LOG.info("ignoring a malformed message from the hub");
            return;
        }
        String member = content.path("sender_session_id").asText(null);
        if (member == null) {
            LOG.info("ignoring a {} from {}: no sender_session_id", eventType, from.path("user_id").asText());
            return;
        }
        Peer peer = new Peer(content.path("room_id").asText(""), from.path("user_id").asText(),
                from.path("device_id").asText(), member);
        Message m = new Message(eventType, content.toString());
        for (Receiver r : receivers.get()) {
            try {
                r.onMessage(TYPE, peer, m);
            } catch (RuntimeException e) {
                LOG.warn("a signalling receiver failed", e);
            }
        }
    }

    @Override
    public void close() {
        actor.execute(() -> {
            state = State.CLOSED;
            queued.forEach(q -> ((CompletableFuture<?>) q[1]).completeExceptionally(
                    new IllegalStateException("websocket signalling closed")));
            queued.clear();
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
        });
        actor.shutdown();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                actor.execute(() -> onFrame(text));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            actor.execute(() -> {
                if (state != State.CLOSED) {
                    LOG.info("websocket hub closed the connection: {} {}", statusCode, reason);
                    retry();
                }
            });
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            actor.execute(() -> {
                if (state != State.CLOSED) {
                    LOG.warn("websocket to the hub failed: {}", error.toString());
                    retry();
                }
            });
        }
    }
}
