package dev.mxrtc.focus.livekit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.InvalidProtocolBufferException;

import livekit.LivekitModels.ReconnectReason;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Ping;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;

/**
 * LiveKit's signalling protocol over a websocket ({@code {url}/rtc?access_token=…}, binary protobuf
 * {@code SignalRequest} up, {@code SignalResponse} down), with LiveKit's two recovery paths.
 *
 * <pre>
 *           connect()              JoinResponse
 *   IDLE ─────────────▶ CONNECTING ─────────────▶ JOINED ◀──────────────────────┐
 *                          ▲                        │ socket lost, ping timeout,  │ ReconnectResponse
 *                          │                        │ Leave{RESUME}               │ (same participant)
 *                          │                        ▼                             │
 *                          │  resume refused,     RESUMING (…/rtc?reconnect=1&sid=…) ┘
 *                          │  Leave{RECONNECT},     │
 *                          │  attempts used up      │
 *                          └──── RECONNECTING ◀─────┘   (full reconnect: a new join, JoinResponse with
 *                                                        fullReconnect = true, new peer connections)
 *   any ── close() or Leave{DISCONNECT} ──▶ CLOSED      (close() sends a LeaveRequest first)
 * </pre>
 *
 * <p>One thread (the given scheduler, which must be single-threaded) owns all state; websocket callbacks and
 * public calls hand their work to it. Pings: {@code ping_req} every {@code ping_interval} seconds of the
 * JoinResponse; no {@code pong_resp} within {@code ping_timeout} counts as a lost socket.
 */
public final class SignalClient implements AutoCloseable {

    /** The client's states, as in the class diagram. */
    public enum State { IDLE, CONNECTING, JOINED, RESUMING, RECONNECTING, CLOSED }

    /**
     * How hard to try.
     *
     * @param resumeAttempts resume attempts before a full reconnect
     * @param retryDelay the pause before each further attempt (the first is immediate)
     * @param connectTimeout websocket handshake timeout
     * @param reconnectAttempts full reconnect attempts before giving up (CLOSED)
     */
    public record Settings(int resumeAttempts, Duration retryDelay, Duration connectTimeout, int reconnectAttempts) {
        public Settings {
            Objects.requireNonNull(retryDelay, "retryDelay");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }

        public static Settings defaults() {
            return new Settings(3, Duration.ofMillis(500), Duration.ofSeconds(10), 5);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SignalClient.class);
    static final int PROTOCOL = 16;

    private final HttpClient http;
    private final SfuAccess access;
    private final SignalListener listener;
    private final ScheduledExecutorService actor;
    private final Settings settings;

    // owned by the actor thread
    private State state = State.IDLE;
    private WebSocket socket;
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
    private int socketGeneration;
    private String participantSid = "";
    private ReconnectReason resumeReason = ReconnectReason.RR_SIGNAL_DISCONNECTED;
    private int attempts;
    private long pingIntervalMs;
    private long pingTimeoutMs;
    private long lastPongAt;
    private ScheduledFuture<?> pinger;
    private final List<SignalRequest> queued = new ArrayList<>();

    /**
     * @param actor a single-threaded scheduler that owns this client (the caller shuts it down)
     */
    public SignalClient(HttpClient http, SfuAccess access, SignalListener listener, ScheduledExecutorService actor,
            Settings settings) {
        this.http = http;
        this.access = access;
        this.listener = listener;
        this.actor = actor;
        this.settings = settings;
    }

    /** Starts joining. Idempotent. */
    public void connect() {
        actor.execute(() -> {
            if (state == State.IDLE) {
                attempts = 0;
                open(State.CONNECTING);
            }
        });
    }

    /** Sends the publisher's offer. */
    public void sendOffer(String sdp) {
        sendOffer(sdp, 0);
    }

    /** Sends the publisher's offer with an id the SFU echoes in its answer (0: none). */
    public void sendOffer(String sdp, int id) {
        send(SignalRequest.newBuilder().setOffer(description("offer", sdp).toBuilder().setId(id)).build());
    }

    /** Answers the SFU's subscriber offer. */
    public void sendAnswer(String sdp) {
        send(SignalRequest.newBuilder().setAnswer(description("answer", sdp)).build());
    }

    /**
     * Announces a track before the offer that carries it, as LiveKit expects: {@code cid} is the track id in the
     * offer's {@code a=msid} line; the SFU answers with a {@code TrackPublishedResponse}.
     */
    public void sendAddTrack(AddTrackRequest request) {
        send(SignalRequest.newBuilder().setAddTrack(request).build());
    }

    /**
     * Resumes on purpose, as LiveKit's clients do when a peer connection failed: a new websocket with
     * {@code reconnect=1&sid=…&reconnect_reason=…} (the SFU restarts ICE on the subscriber for
     * {@code RR_SUBSCRIBER_FAILED}). Ignored unless joined.
     */
    public void resume(ReconnectReason reason) {
        actor.execute(() -> {
            if (state == State.JOINED) {
                LOG.info("LiveKit signal {}: resuming ({})", access.url(), reason);
                stopPinging();
                attempts = 0;
                resumeReason = reason;
                open(State.RESUMING);
            }
        });
    }

    /** Sends a local ICE candidate ({@code RTCIceCandidateInit} JSON) of the publisher or the subscriber. */
    public void sendTrickle(SignalTarget target, String candidateInit) {
        send(SignalRequest.newBuilder().setTrickle(TrickleRequest.newBuilder().setTarget(target)
                .setCandidateInit(candidateInit)).build());
    }

    /** @return the state, read on the actor (blocks for at most {@code timeout}) */
    public State state(Duration timeout) throws Exception {
        return actor.submit(() -> state).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Leaves the room (a {@code LeaveRequest}) and closes the socket. Idempotent. */
    @Override
    public void close() {
        actor.execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            stopPinging();
            if (socket != null && state == State.JOINED) {
                // the leave first, then a close handshake; aborting at once could drop the leave unsent
                WebSocket ws = socket;
                sendNow(SignalRequest.newBuilder().setLeave(LeaveRequest.newBuilder()
                        .setAction(LeaveRequest.Action.DISCONNECT)).build());
                socket = null;
                lastSend.handle((w, e) -> null).thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "left"))
                        .orTimeout(2, TimeUnit.SECONDS)
                        .whenComplete((w, e) -> ws.abort());
            }
            moveTo(State.CLOSED);
            dropSocket();
        });
    }

    private static SessionDescription description(String type, String sdp) {
        return SessionDescription.newBuilder().setType(type).setSdp(sdp).build();
    }

    private void send(SignalRequest request) {
        actor.execute(() -> {
            if (state == State.JOINED && socket != null) {
                sendNow(request);
            } else if (state == State.RESUMING) {
                queued.add(request); // as LiveKit's clients do: sent once resumed, dropped on a full reconnect
            } else {
                LOG.debug("LiveKit signal: dropping {} in state {}", request.getMessageCase(), state);
            }
        });
    }

    /**
     * java.net.http.WebSocket refuses a send while the previous one is pending ("Send pending"), so sends are chained:
     * each starts when the one before it on this socket has completed. Only the actor calls this.
     */
    private void sendNow(SignalRequest request) {
        WebSocket ws = socket;
        ByteBuffer bytes = ByteBuffer.wrap(request.toByteArray());
        lastSend = lastSend.handle((w, e) -> null).thenCompose(x -> ws.sendBinary(bytes, true));
        lastSend.whenComplete((w, e) -> {
            if (e != null) {
                LOG.debug("LiveKit signal {}: send of {} failed: {}", access.url(), request.getMessageCase(), e.toString());
            }
        });
    }

    private void moveTo(State next) {
        if (state != next) {
            LOG.debug("LiveKit signal {}: {} -> {}", access.url(), state, next);
            state = next;
            listener.onState(next);
        }
    }

    // ---- connecting -------------------------------------------------------------------------------------------

    private void open(State mode) {
        moveTo(mode);
        dropSocket();
        int generation = ++socketGeneration;
        String base = access.url().replaceAll("/+$", "");
        StringBuilder url = new StringBuilder(base).append("/rtc?access_token=")
                .append(URLEncoder.encode(access.jwt(), StandardCharsets.UTF_8))
                .append("&auto_subscribe=1&sdk=java&version=0.1.0&protocol=").append(PROTOCOL);
        if (mode == State.RESUMING) {
            url.append("&reconnect=1&sid=").append(URLEncoder.encode(participantSid, StandardCharsets.UTF_8))
                    .append("&reconnect_reason=").append(resumeReason.getNumber());
        }
        http.newWebSocketBuilder().connectTimeout(settings.connectTimeout())
                .buildAsync(URI.create(url.toString()), new Receiver(generation))
                .whenComplete((ws, error) -> actor.execute(() -> {
                    if (generation != socketGeneration || state == State.CLOSED) {
                        if (ws != null) {
                            ws.abort();
                        }
                        return;
                    }
                    if (error != null) {
                        LOG.info("LiveKit signal {}: {} failed: {}", access.url(), mode, error.toString());
                        failed(generation);
                    }
                }));
    }

    /** The current socket is gone (or never came): resume, fall back to a full reconnect, or give up. */
    private void failed(int generation) {
        if (generation != socketGeneration || state == State.CLOSED) {
            return;
        }
        stopPinging();
        dropSocket();
        attempts++;
        switch (state) {
            case JOINED -> {
                attempts = 0;
                resumeReason = ReconnectReason.RR_SIGNAL_DISCONNECTED;
                open(State.RESUMING);
            }
            case RESUMING -> {
                if (attempts < settings.resumeAttempts()) {
                    retry(State.RESUMING);
                } else {
                    fullReconnect();
                }
            }
            case CONNECTING, RECONNECTING -> {
                if (attempts < settings.reconnectAttempts()) {
                    retry(state);
                } else {
                    LOG.warn("LiveKit signal {}: giving up after {} attempts", access.url(), attempts);
                    moveTo(State.CLOSED);
                }
            }
            case IDLE, CLOSED -> {
            }
        }
    }

    private void fullReconnect() {
        attempts = 0;
        participantSid = "";
        open(State.RECONNECTING);
    }

    private void retry(State mode) {
        int generation = ++socketGeneration; // a late callback of the failed socket is stale now
        actor.schedule(() -> {
            if (generation == socketGeneration && state == mode) {
                open(mode);
            }
        }, settings.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void dropSocket() {
        if (socket != null) {
            socket.abort();
            socket = null;
        }
    }

    // ---- receiving --------------------------------------------------------------------------------------------

    private void onResponse(int generation, SignalResponse response) {
        if (generation != socketGeneration || state == State.CLOSED) {
            return;
        }
        switch (response.getMessageCase()) {
            case JOIN -> {
                boolean full = state == State.RECONNECTING;
                queued.clear();
                participantSid = response.getJoin().getParticipant().getSid();
                pingIntervalMs = response.getJoin().getPingInterval() * 1000L;
                pingTimeoutMs = response.getJoin().getPingTimeout() * 1000L;
                attempts = 0;
                moveTo(State.JOINED);
                startPinging(generation);
                listener.onJoined(response.getJoin(), full);
            }
            case RECONNECT -> {
                attempts = 0;
                moveTo(State.JOINED);
                startPinging(generation);
                queued.forEach(this::sendNow);
                queued.clear();
                listener.onResumed(response.getReconnect());
            }
            case OFFER -> listener.onOffer(response.getOffer());
            case ANSWER -> listener.onAnswer(response.getAnswer());
            case TRICKLE -> listener.onTrickle(response.getTrickle().getTarget(), response.getTrickle().getCandidateInit());
            case TRACK_PUBLISHED -> listener.onTrackPublished(response.getTrackPublished());
            case UPDATE -> listener.onParticipantUpdate(response.getUpdate());
            case PONG, PONG_RESP -> lastPongAt = System.nanoTime();
            case LEAVE -> onLeave(generation, response.getLeave());
            default -> LOG.trace("LiveKit signal: ignoring {}", response.getMessageCase());
        }
    }

    private void onLeave(int generation, LeaveRequest leave) {
        LeaveRequest.Action action = leave.getAction();
        if (action == LeaveRequest.Action.UNRECOGNIZED || action == LeaveRequest.Action.DISCONNECT && leave.getCanReconnect()) {
            action = LeaveRequest.Action.RECONNECT; // pre-action servers: can_reconnect means "full reconnect"
        }
        LOG.info("LiveKit signal {}: server leave {} ({})", access.url(), action, leave.getReason());
        switch (action) {
            case RESUME -> {
                stopPinging();
                attempts = 0;
                resumeReason = ReconnectReason.RR_UNKNOWN;
                open(State.RESUMING);
            }
            case RECONNECT -> {
                stopPinging();
                fullReconnect();
            }
            case DISCONNECT, UNRECOGNIZED -> {
                stopPinging();
                moveTo(State.CLOSED);
                dropSocket();
            }
        }
    }

    // ---- pings ------------------------------------------------------------------------------------------------

    private void startPinging(int generation) {
        stopPinging();
        if (pingIntervalMs <= 0) {
            return;
        }
        lastPongAt = System.nanoTime();
        pinger = actor.scheduleAtFixedRate(() -> {
            if (generation != socketGeneration || state != State.JOINED) {
                return;
            }
            if (pingTimeoutMs > 0 && System.nanoTime() - lastPongAt > TimeUnit.MILLISECONDS.toNanos(pingTimeoutMs)) {
                LOG.info("LiveKit signal {}: no pong for {} ms, resuming", access.url(), pingTimeoutMs);
                failed(generation);
                return;
            }
            long now = System.currentTimeMillis();
            sendNow(SignalRequest.newBuilder().setPingReq(Ping.newBuilder().setTimestamp(now)).build());
        }, pingIntervalMs, pingIntervalMs, TimeUnit.MILLISECONDS);
    }

    private void stopPinging() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
    }

    /** Websocket callbacks of one socket generation: assemble binary messages, hand them to the actor. */
    private final class Receiver implements WebSocket.Listener {
        private final int generation;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Receiver(int generation) {
            this.generation = generation;
        }

        /** Runs before any message of this socket, so the actor has the socket before it handles the join. */
        @Override
        public void onOpen(WebSocket ws) {
            actor.execute(() -> {
                if (generation == socketGeneration && state != State.CLOSED) {
                    socket = ws;
                    lastSend = CompletableFuture.completedFuture(ws);
                } else {
                    ws.abort();
                }
            });
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] message = partial.toByteArray();
                partial.reset();
                try {
                    SignalResponse response = SignalResponse.parseFrom(message);
                    actor.execute(() -> onResponse(generation, response));
                } catch (InvalidProtocolBufferException e) {
                    LOG.warn("LiveKit signal {}: undecodable message of {} bytes", access.url(), message.length);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ws.request(1); // LiveKit speaks protobuf; JSON mode is not used
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            actor.execute(() -> failed(generation));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            actor.execute(() -> failed(generation));
        }
    }
}
