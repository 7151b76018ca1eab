package dev.mxrtc.matrix.okhttp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.DelayedAction;
import dev.mxrtc.matrix.DelayedEvent;
import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixException;
import dev.mxrtc.matrix.OpenIdToken;
import dev.mxrtc.matrix.OutgoingEvent;
import dev.mxrtc.matrix.Relations;
import dev.mxrtc.matrix.SendResult;
import dev.mxrtc.matrix.SyncBatch;
import dev.mxrtc.matrix.SyncListener;
import dev.mxrtc.matrix.Versions;
import dev.mxrtc.matrix.WhoAmI;
import okhttp3.HttpUrl;

/**
 * The client-server endpoints of one account over {@link HttpTransport}. Stateless apart from the cached
 * {@code /versions}, the transaction id counter and the listeners; the session comes from {@link SessionHolder}.
 */
final class HttpMatrixClient implements MatrixClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpMatrixClient.class);

    static final String CLIENT_V3 = Accounts.CLIENT_V3;
    static final String CLIENT_V1 = "_matrix/client/v1";
    static final String MSC4140 = "_matrix/client/unstable/org.matrix.msc4140";
    static final String DELAY_PARAM = "org.matrix.msc4140.delay";
    static final String STICKY_PARAM = "org.matrix.msc4354.sticky_duration_ms";

    private final HttpTransport transport;
    private final SessionHolder sessions;
    private final Accounts accounts;
    private final EventParser parser;
    private final String configuredUserId;
    private final long loginWaitMs;
    private final Supplier<Optional<String>> since;
    private final Runnable onLogout;
    private final String txnPrefix;
    private final AtomicLong txnCounter = new AtomicLong();
    private final AtomicReference<Versions> versions = new AtomicReference<>();
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();

    HttpMatrixClient(HttpTransport transport, SessionHolder sessions, EventParser parser, String configuredUserId,
            long loginWaitMs, Supplier<Optional<String>> since, Runnable onLogout, long txnEpoch) {
        this.transport = transport;
        this.sessions = sessions;
        this.accounts = new Accounts(transport);
        this.parser = parser;
        this.configuredUserId = configuredUserId;
        this.loginWaitMs = loginWaitMs;
        this.since = since;
        this.onLogout = onLogout;
        this.txnPrefix = "mxrtc" + Long.toString(txnEpoch, 36) + ".";
    }

    @Override
    public String userId() {
        return sessions.current().map(Session::userId).orElse(configuredUserId);
    }

    @Override
    public String deviceId() {
        return session().deviceId();
    }

    @Override
    public String homeserverUrl() {
        return transport.baseUrl();
    }

    @Override
    public Versions versions() {
        Versions v = versions.get();
        if (v == null) {
            JsonNode a = transport.call(transport.request("GET", transport.url("_matrix/client/versions").build(),
                    null, false), HttpTransport.Retry.IDEMPOTENT);
            List<String> vs = new ArrayList<>();
            a.path("versions").forEach(n -> vs.add(n.asText()));
            Map<String, Boolean> features = new java.util.LinkedHashMap<>();
            a.path("unstable_features").properties().forEach(e -> features.put(e.getKey(), e.getValue().asBoolean()));
            v = new Versions(vs, features);
            versions.compareAndSet(null, v);
        }
        return v;
    }

    @Override
    public WhoAmI whoAmI() {
        session();
        return accounts.whoAmI();
    }

    @Override
    public void logout() {
        Session s = session();
        try {
            accounts.logout();
        } finally {
            sessions.invalidate(s);
            onLogout.run();
        }
    }

    // rooms

    @Override
    public String createRoom(CreateRoom r) {
        ObjectNode body = transport.mapper().createObjectNode();
        r.preset().ifPresent(p -> body.put("preset", p.wireName()));
        r.name().ifPresent(n -> body.put("name", n));
        r.topic().ifPresent(t -> body.put("topic", t));
        r.roomAliasName().ifPresent(a -> body.put("room_alias_name", a));
        r.roomVersion().ifPresent(v -> body.put("room_version", v));
        if (r.isDirect()) {
            body.put("is_direct", true);
        }
        if (!r.invite().isEmpty()) {
            ArrayNode inv = body.putArray("invite");
            r.invite().forEach(inv::add);
        }
        if (!r.initialState().isEmpty()) {
            ArrayNode st = body.putArray("initial_state");
            r.initialState().forEach(s -> st.addObject().put("type", s.type()).put("state_key", s.stateKey())
                    .set("content", transport.object(s.contentJson())));
        }
        r.powerLevelContentOverrideJson().ifPresent(p -> body.set("power_level_content_override",
                transport.object(p)));
        return post(transport.url(CLIENT_V3, "createRoom").build(), body, HttpTransport.Retry.RATE_LIMIT_ONLY)
                .path("room_id").asText();
    }

    @Override
    public String joinRoom(String roomIdOrAlias) {
        return post(transport.url(CLIENT_V3, "join", roomIdOrAlias).build(), null, HttpTransport.Retry.IDEMPOTENT)
                .path("room_id").asText(roomIdOrAlias);
    }

    @Override
    public void leaveRoom(String roomId) {
        post(transport.url(CLIENT_V3, "rooms", roomId, "leave").build(), null, HttpTransport.Retry.IDEMPOTENT);
    }

    @Override
    public void invite(String roomId, String userId) {
        ObjectNode body = transport.mapper().createObjectNode().put("user_id", userId);
        post(transport.url(CLIENT_V3, "rooms", roomId, "invite").build(), body, HttpTransport.Retry.RATE_LIMIT_ONLY);
    }

    @Override
    public List<RoomEvent> members(String roomId) {
        return parser.events(roomId, get(transport.url(CLIENT_V3, "rooms", roomId, "members").build())
                .path("chunk"));
    }

    @Override
    public Optional<String> stateEvent(String roomId, String type, String stateKey) {
        try {
            return Optional.of(get(transport.url(CLIENT_V3, "rooms", roomId, "state", type, stateKey).build())
                    .toString());
        } catch (MatrixException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<RoomEvent> state(String roomId) {
        return parser.events(roomId, get(transport.url(CLIENT_V3, "rooms", roomId, "state").build()));
    }

    @Override
    public SendResult send(OutgoingEvent e) {
        ObjectNode content = transport.object(e.contentJson());
        HttpUrl.Builder url;
        HttpTransport.Retry retry;
        if (e.stateKey().isPresent()) {
            url = transport.url(CLIENT_V3, "rooms", e.roomId(), "state", e.type(), e.stateKey().get());
            // a delayed state PUT has no transaction id: repeating it could schedule twice
            retry = e.delayMs().isPresent() ? HttpTransport.Retry.RATE_LIMIT_ONLY : HttpTransport.Retry.IDEMPOTENT;
        } else {
            url = transport.url(CLIENT_V3, "rooms", e.roomId(), "send", e.type(), e.txnId().orElseGet(this::newTxnId));
            retry = HttpTransport.Retry.IDEMPOTENT;
        }
        e.delayMs().ifPresent(d -> url.addQueryParameter(DELAY_PARAM, Long.toString(d)));
        e.stickyDurationMs().ifPresent(d -> url.addQueryParameter(STICKY_PARAM, Long.toString(d)));
        session();
        JsonNode a = transport.call(transport.request("PUT", url.build(), content, true), retry);
        String delayId = a.path("delay_id").asText("");
        if (!delayId.isEmpty()) {
            LOG.debug("room {}: scheduled delayed {} as {}", e.roomId(), e.type(), delayId);
            return new SendResult.Scheduled(delayId);
        }
        return new SendResult.Sent(a.path("event_id").asText());
    }

    @Override
    public String redact(String roomId, String eventId, Optional<String> reason, Optional<String> txnId) {
        ObjectNode body = transport.mapper().createObjectNode();
        reason.ifPresent(r -> body.put("reason", r));
        return put(transport.url(CLIENT_V3, "rooms", roomId, "redact", eventId, txnId.orElseGet(this::newTxnId))
                .build(), body, HttpTransport.Retry.IDEMPOTENT).path("event_id").asText();
    }

    @Override
    public Relations relations(String roomId, String eventId, Optional<String> relType, Optional<String> eventType,
            Optional<String> from) {
        if (eventType.isPresent() && relType.isEmpty()) {
            throw new IllegalArgumentException("eventType needs relType");
        }
        HttpUrl.Builder url = transport.url(CLIENT_V1, "rooms", roomId, "relations", eventId);
        relType.ifPresent(url::addPathSegment);
        eventType.ifPresent(url::addPathSegment);
        from.ifPresent(f -> url.addQueryParameter("from", f));
        JsonNode a = get(url.build());
        String next = a.path("next_batch").asText("");
        return new Relations(parser.events(roomId, a.path("chunk")), next.isEmpty() ? Optional.empty()
                : Optional.of(next));
    }

    // delayed events

    @Override
    public void updateDelayedEvent(String delayId, DelayedAction action) {
        session();
        try {
            post(transport.url(MSC4140, "delayed_events", delayId, action.wireName()).build(), null,
                    HttpTransport.Retry.IDEMPOTENT);
        } catch (MatrixException e) {
            if (e.kind() != ErrorKind.UNRECOGNIZED) {
                throw e;
            }
            LOG.debug("delayed event {}: server lacks the {} path form, using the body form", delayId,
                    action.wireName());
            ObjectNode body = transport.mapper().createObjectNode().put("action", action.wireName());
            HttpUrl url = transport.url(MSC4140, "delayed_events", delayId).build();
            try {
                // the older form was unauthenticated on some servers (js-sdk does the same dance)
                transport.call(transport.request("POST", url, body, false), HttpTransport.Retry.IDEMPOTENT);
            } catch (MatrixException unauthenticated) {
                if (unauthenticated.kind() != ErrorKind.MISSING_TOKEN) {
                    throw unauthenticated;
                }
                transport.call(transport.request("POST", url, body, true), HttpTransport.Retry.IDEMPOTENT);
            }
        }
    }

    @Override
    public List<DelayedEvent> delayedEvents() {
        JsonNode a = get(transport.url(MSC4140, "delayed_events").build());
        List<DelayedEvent> out = new ArrayList<>();
        for (JsonNode d : a.path("delayed_events")) {
            JsonNode sk = d.get("state_key");
            JsonNode running = d.has("running_since") ? d.get("running_since") : d.path("scheduled_at");
            long delay = d.has("delay_ms") ? d.path("delay_ms").asLong() : d.path("delay").asLong();
            out.add(new DelayedEvent(d.path("delay_id").asText(), d.path("room_id").asText(),
                    d.path("type").asText(), sk != null && sk.isTextual() ? Optional.of(sk.asText()) : Optional.empty(),
                    delay, running.canConvertToLong() ? OptionalLong.of(running.asLong()) : OptionalLong.empty(),
                    d.path("content").toString(), d.toString()));
        }
        return out;
    }

    // to-device, identity, keys

    @Override
    public void sendToDevice(String type, Map<String, Map<String, String>> messages, Optional<String> txnId) {
        ObjectNode body = transport.mapper().createObjectNode();
        ObjectNode m = body.putObject("messages");
        messages.forEach((user, devices) -> {
            ObjectNode u = m.putObject(user);
            devices.forEach((device, content) -> u.set(device, transport.object(content)));
        });
        put(transport.url(CLIENT_V3, "sendToDevice", type, txnId.orElseGet(this::newTxnId)).build(), body,
                HttpTransport.Retry.IDEMPOTENT);
    }

    @Override
    public OpenIdToken requestOpenIdToken() {
        Session s = session();
        JsonNode a = post(transport.url(CLIENT_V3, "user", s.userId(), "openid", "request_token").build(), null,
                HttpTransport.Retry.IDEMPOTENT);
        return new OpenIdToken(a.path("access_token").asText(), a.path("token_type").asText("Bearer"),
                a.path("matrix_server_name").asText(), a.path("expires_in").asLong());
    }

    @Override
    public String uploadKeys(String requestJson) {
        return post(transport.url(CLIENT_V3, "keys", "upload").build(), transport.object(requestJson),
                HttpTransport.Retry.IDEMPOTENT).toString();
    }

    @Override
    public String queryKeys(String requestJson) {
        return post(transport.url(CLIENT_V3, "keys", "query").build(), transport.object(requestJson),
                HttpTransport.Retry.IDEMPOTENT).toString();
    }

    @Override
    public String claimKeys(String requestJson) {
        // a claim consumes one-time keys: repeat only what the server refused outright
        return post(transport.url(CLIENT_V3, "keys", "claim").build(), transport.object(requestJson),
                HttpTransport.Retry.RATE_LIMIT_ONLY).toString();
    }

    // sync

    @Override
    public AutoCloseable addSyncListener(SyncListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Optional<String> sinceToken() {
        return since.get();
    }

    /** Hands a batch to the listeners added with {@link #addSyncListener}; one failing does not stop the others. */
    void dispatch(SyncBatch batch) {
        String user = userId();
        for (SyncListener l : listeners) {
            try {
                l.onSync(user, batch);
            } catch (RuntimeException e) {
                LOG.warn("account {}: sync listener {} failed", user, l.getClass().getName(), e);
            }
        }
    }

    String newTxnId() {
        return txnPrefix + txnCounter.incrementAndGet();
    }

    private Session session() {
        return sessions.await(loginWaitMs);
    }

    private JsonNode get(HttpUrl url) {
        session();
        return transport.call(transport.request("GET", url, null, true), HttpTransport.Retry.IDEMPOTENT);
    }

    private JsonNode post(HttpUrl url, JsonNode body, HttpTransport.Retry retry) {
        session();
        return transport.call(transport.request("POST", url, body, true), retry);
    }

    private JsonNode put(HttpUrl url, JsonNode body, HttpTransport.Retry retry) {
        session();
        return transport.call(transport.request("PUT", url, body, true), retry);
    }
}
