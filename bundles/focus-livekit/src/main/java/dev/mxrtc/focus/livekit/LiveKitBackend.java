package dev.mxrtc.focus.livekit;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.matrix.OpenIdToken;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.WorkerStatus;

/**
 * The {@code livekit} focus backend without OSGi (the DS component wraps it). {@code connect} finds the service
 * ({@link LiveKitConnection#serviceFor}), gets an OpenID token for the member's account, exchanges it at the service
 * ({@link LiveKitTokens}: {@code /get_token} or {@code /sfu/get}, following the membership format), joins the SFU
 * ({@link SignalClient}) and brings up the publisher and subscriber peer connections in the media process
 * ({@link SfuLink}). The stage completes once the publisher is connected.
 */
public final class LiveKitBackend implements FocusBackend, AutoCloseable {

    /** Issues OpenID tokens for a local account (a {@code MatrixClient} in the runtime). */
    @FunctionalInterface
    public interface OpenIdSource {
        /** @throws IllegalStateException if no client of {@code userId} is available */
        OpenIdToken request(String userId);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveKitBackend.class);

    private final MediaEngine engine;
    private final OpenIdSource openId;
    private final HttpClient http;
    private final LiveKitSettings settings;
    private final LiveKitTokens tokens;
    private final ExecutorService io;
    private final Set<LiveKitConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();

    public LiveKitBackend(MediaEngine engine, OpenIdSource openId, HttpClient http, LiveKitSettings settings) {
        this.engine = engine;
        this.openId = openId;
        this.http = http;
        this.settings = settings;
        this.tokens = new LiveKitTokens(http, settings.httpTimeout());
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mxrtc-livekit-io");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String transportType() {
        return Transport.LIVEKIT;
    }

    @Override
    public CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport) {
        if (!Transport.LIVEKIT.equals(transport.type())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a livekit transport: "
                    + transport.type()));
        }
        LiveKitConnection c = new LiveKitConnection(shortName(self.memberId()) + "-" + counter.incrementAndGet(), session, self, transport, engine,
                http, settings, io, this::access, connections::remove);
        connections.add(c);
        LOG.info("LiveKit: connecting member {} of {} in room {}", self.memberId(), self.userId(), self.roomId());
        return c.start();
    }

    /** A log name: the member id, cut short (sticky member ids are long random strings), letters, digits, - and _. */
    private static String shortName(String memberId) {
        // it also goes into peer and track ids, which SDP (msid) allows only token characters for
        String safe = memberId.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.length() <= 12 ? safe : safe.substring(0, 12);
    }

    /** OpenID token for the member's account, then SFU access at the service. Blocking. */
    private TokenResult access(String serviceUrl, Member self) {
        OpenIdToken token;
        try {
            token = openId.request(self.userId());
        } catch (RuntimeException e) {
            return new TokenResult.Unreachable("no OpenID token for " + self.userId() + ": " + e.getMessage());
        }
        return tokens.request(serviceUrl, self, token);
    }

    /**
     * For operators (the admin console's {@code GET /media}, same shape as the full mesh's): the media worker and
     * every live connection ({@link LiveKitConnection#status}). JDK types only.
     */
    public Map<String, Object> status(long connectionTimeoutMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transport_type", Transport.LIVEKIT);
        WorkerStatus w = engine.status();
        Map<String, Object> worker = new LinkedHashMap<>();
        worker.put("running", w.running());
        worker.put("pid", w.pid());
        worker.put("restarts", w.restarts());
        m.put("media_worker", worker);
        m.put("default_audio", settings.audio() ? (settings.toneHz() > 0 ? "tone " + settings.toneHz() + " Hz"
                : "silence") : "none");
        m.put("service_url", settings.serviceUrl().filter(u -> !u.isEmpty()).orElse(null));
        List<Map<String, Object>> list = new ArrayList<>();
        for (LiveKitConnection c : connections) {
            list.add(c.status(connectionTimeoutMs));
        }
        list.sort(Comparator.comparing((Map<String, Object> c) -> String.valueOf(c.get("room_id")))
                .thenComparing(c -> String.valueOf(c.get("member_id"))).thenComparing(c -> String.valueOf(c.get("name"))));
        m.put("connections", list);
        return m;
    }

    /** Closes every connection (each leaves its SFU). */
    @Override
    public void close() {
        for (LiveKitConnection c : connections) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("LiveKit: closing a connection failed", e);
            }
        }
        io.shutdown();
    }
}
