package dev.mxrtc.signalling.websocket;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The websocket signalling hub: members connect to {@code ws://host:port/signalling}, authenticate with a Matrix
 * OpenID token (checked against the homeserver's {@code openid/userinfo}), and then exchange messages addressed to a
 * member's device. The hub stamps every relayed message with the sender's verified user id.
 *
 * <pre>
 *  client                                   hub
 *  {type:auth, access_token, matrix_server_name, device_id}  ──▶  userinfo ──▶ {type:ready, user_id} | close 1008
 *  {type:send, to:{user_id, device_id}, event_type, content} ──▶  to the device's socket:
 *                                                                 {type:message, from:{user_id, device_id}, event_type, content}
 * </pre>
 *
 * A plain Jetty 12 server on its own port, not the OSGi HTTP whiteboard: websockets on the servlet whiteboard need
 * the whiteboard's Jetty to carry a websocket container, which Felix HTTP does not set up for other bundles.
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = "/signalling";

    private final OpenIdVerifier verifier;
    private final Server server;
    private final ServerConnector connector;
    /** authenticated sockets by "user\ndevice" */
    private final Map<String, Session> devices = new ConcurrentHashMap<>();
    /** frames for devices not connected yet, by "user\ndevice" (guarded by devices' lock) */
    private final Map<String, java.util.Deque<Kept>> kept = new java.util.HashMap<>();
    static final long KEEP_MS = 10_000;
    static final int KEEP_MAX = 256;

    /**
     * @param host the address to bind (127.0.0.1 unless the hub must be reachable from elsewhere)
     * @param port the port; 0 picks a free one
     * @param homeserverUrl where the tokens' homeserver answers {@code openid/userinfo}
     */
    public Hub(String host, int port, String homeserverUrl) throws Exception {
        verifier = new OpenIdVerifier(homeserverUrl);
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(256 * 1024);
            container.setIdleTimeout(Duration.ofMinutes(5));
            container.addMapping(PATH, (req, resp, cb) -> new Endpoint());
        }));
        server.start();
        LOG.info("websocket signalling hub on ws://{}:{}{}", host, connector.getLocalPort(), PATH);
    }

    /** @return the URL members connect to */
    public String url() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        return "ws://" + host + ":" + connector.getLocalPort() + PATH;
    }

    /** @return how many authenticated devices are connected */
    public int connected() {
        return devices.size();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the websocket hub: {}", e.toString());
        }
    }

    private record Kept(long atNanos, String frame) {
    }

    /**
     * Delivers to the device's socket, or keeps the frame for up to {@value #KEEP_MS} ms (at most {@value #KEEP_MAX}
     * per device) for a device that is not connected yet: a member's first invite often races its peer's connection
     * to the hub. Guarded by {@code devices}' lock.
     */
    private void deliverOrKeep(String key, String frame) {
        synchronized (devices) {
            Session dest = devices.get(key);
            if (dest != null) {
                dest.sendText(frame, Callback.NOOP);
                return;
            }
            if (kept.size() >= 1_000 && !kept.containsKey(key)) {
                LOG.info("hub: too many offline devices; dropping a message");
                return;
            }
            java.util.Deque<Kept> q = kept.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
            long now = System.nanoTime();
            q.removeIf(k -> now - k.atNanos() > KEEP_MS * 1_000_000L);
            if (q.size() < KEEP_MAX) {
                q.add(new Kept(now, frame));
            }
        }
    }

    private void connected(String key, Session s) {
        synchronized (devices) {
            Session before = devices.put(key, s);
            if (before != null && before != s) {
                before.close(StatusCode.NORMAL, "replaced", Callback.NOOP);
            }
            java.util.Deque<Kept> q = kept.remove(key);
            long now = System.nanoTime();
            if (q != null) {
                q.stream().filter(k -> now - k.atNanos() <= KEEP_MS * 1_000_000L)
                        .forEach(k -> s.sendText(k.frame(), Callback.NOOP));
            }
        }
    }

    /** One socket; public because Jetty binds its listener methods through MethodHandles. */
    public final class Endpoint extends Session.Listener.AbstractAutoDemanding {
        private volatile String user;
        private volatile String device;
        private volatile boolean authenticating;

        @Override
        public void onWebSocketText(String text) {
            JsonNode f;
            try {
                f = JSON.readTree(text);
            } catch (Exception e) {
                refuse("frame is not JSON");
                return;
            }
            String type = f == null ? null : f.path("type").asText(null);
            if (user == null) {
                if ("auth".equals(type) && !authenticating) {
                    authenticate(f);
                } else {
                    refuse("authenticate first");
                }
                return;
            }
            if (!"send".equals(type)) {
                LOG.info("hub: ignoring a {} frame from {}", type, user);
                return;
            }
            JsonNode to = f.get("to");
            String eventType = f.path("event_type").asText(null);
            JsonNode content = f.get("content");
            if (to == null || !to.path("user_id").isTextual() || !to.path("device_id").isTextual() || eventType == null
                    || content == null || !content.isObject()) {
                LOG.info("hub: ignoring a malformed send from {}", user);
                return;
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("type", "message");
            out.putObject("from").put("user_id", user).put("device_id", device);
            out.put("event_type", eventType);
            out.set("content", content);
            deliverOrKeep(to.get("user_id").asText() + "\n" + to.get("device_id").asText(), out.toString());
        }

        private void authenticate(JsonNode f) {
            String claimedDevice = f.path("device_id").asText("");
            if (claimedDevice.isEmpty()) {
                refuse("no device_id");
                return;
            }
            authenticating = true;
            verifier.verify(f.path("access_token").asText(null), f.path("matrix_server_name").asText(null))
                    .thenAccept(verified -> onVerified(verified, claimedDevice));
        }

        private void onVerified(Optional<String> verified, String claimedDevice) {
            Session s = getSession();
            if (verified.isEmpty()) {
                LOG.info("hub: refused a connection from {}: OpenID token not valid", s.getRemoteSocketAddress());
                s.close(StatusCode.POLICY_VIOLATION, "forbidden", Callback.NOOP);
                return;
            }
            user = verified.get();
            device = claimedDevice;
            ObjectNode ready = JSON.createObjectNode().put("type", "ready").put("user_id", user);
            s.sendText(ready.toString(), Callback.NOOP);
            connected(user + "\n" + device, s);
            LOG.info("hub: {} {} connected", user, device);
        }

        private void refuse(String why) {
            LOG.info("hub: closing a connection: {}", why);
            getSession().close(StatusCode.POLICY_VIOLATION, why, Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            if (user != null) {
                devices.remove(user + "\n" + device, getSession());
            }
        }
    }
}
