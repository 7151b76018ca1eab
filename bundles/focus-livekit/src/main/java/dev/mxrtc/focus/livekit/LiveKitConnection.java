package dev.mxrtc.focus.livekit;

import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.MediaEngine;

/**
 * A local member's connection to a LiveKit SFU: one live {@link SfuLink} and, while moving, the next one.
 *
 * <pre>
 *            start()            access granted            publisher CONNECTED
 *   NEW ───────────────▶ TOKEN ───────────────▶ JOINING ─────────────────────▶ LIVE (connect stage completes)
 *                          │ refused/unreachable   │ connect timeout              │ session names another service
 *                          ▼                       ▼                              ▼ (multi_sfu: our own changed)
 *                        FAILED (stage fails) ◀────┘                            MOVING: next link joins; its publisher
 *                                                                                CONNECTED → old link leaves (make-
 *   LIVE ── signalling gave up ──▶ new token, new link (a move to the same service)      before-break) → LIVE
 *   any ── close() ──▶ CLOSED (both links leave, peers closed)
 * </pre>
 *
 * <p>A change of the session's active transport (under {@code oldest_membership}, the oldest member's SFU) is the
 * runtime's to handle: it connects a new connection and closes this one, make-before-break. Within a connection
 * only a change that keeps the transport (our own SFU under {@code multi_sfu}, or a pinned service URL) moves.
 *
 * <p>One single-threaded actor owns the state, the links and their signalling clients. The OpenID and token
 * requests block, so they run on the backend's I/O executor.
 */
public final class LiveKitConnection implements FocusBackend.FocusConnection {

    private static final Logger LOG = LoggerFactory.getLogger(LiveKitConnection.class);

    private final String name;
    private final Member self;
    private final Transport transport;
    private final MediaEngine engine;
    private final HttpClient http;
    private final LiveKitSettings settings;
    private final Executor io;
    private final BiFunction<String, Member, TokenResult> access;
    private final Consumer<LiveKitConnection> onClosed;
    private final ScheduledExecutorService actor;
    private final CompletableFuture<FocusBackend.FocusConnection> ready = new CompletableFuture<>();
    private final List<Consumer<AudioLevel>> audioListeners = new CopyOnWriteArrayList<>();
    private final SfuLink.Events events = new LinkEvents();
    // actor-owned
    private Session session;
    private SfuLink link;
    private SfuLink next;
    private int links;
    private boolean closed;
    private double toneHz;
    private int pastResumes; // of links replaced since (moves, new links after signalling gave up)
    private int pastReconnects;
    private volatile Heard lastAudio;
    private volatile long connectedNanos;

    /** The last audio measurement of the live link's subscriber, and when it came (nanoTime). */
    private record Heard(AudioLevel level, long nanos) {
    }

    LiveKitConnection(String name, Session session, Member self, Transport transport, MediaEngine engine,
            HttpClient http, LiveKitSettings settings, Executor io, BiFunction<String, Member, TokenResult> access,
            Consumer<LiveKitConnection> onClosed) {
        this.name = name;
        this.session = session;
        this.self = self;
        this.transport = transport;
        this.engine = engine;
        this.http = http;
        this.settings = settings;
        this.io = io;
        this.access = access;
        this.onClosed = onClosed;
        this.toneHz = settings.toneHz();
        this.actor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mxrtc-livekit-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The LiveKit service this member uses in {@code session}, or empty if nothing names one. */
    static Optional<String> serviceFor(Session session, Member self, Transport transport, LiveKitSettings settings) {
        if (settings.serviceUrl().isPresent()) {
            return settings.serviceUrl();
        }
        Member oldest = session.oldest().orElse(self);
        boolean multiSfu = oldest.format() == MemberFormat.LEGACY && oldest.focusActive()
                .map(f -> f.focusSelection().equals(FocusActive.MULTI_SFU)).orElse(false);
        if (multiSfu) {
            Optional<String> own = LiveKitDiscovery.serviceUrl(session.member(self.memberId()).orElse(self));
            if (own.isPresent()) {
                return own;
            }
        }
        return transport.stringField(LiveKitDiscovery.SERVICE_URL)
                .or(() -> LiveKitDiscovery.fromSession(self, session.members()));
    }

    CompletionStage<FocusBackend.FocusConnection> start() {
        run(() -> {
            Optional<String> url = serviceFor(session, self, transport, settings);
            if (url.isEmpty()) {
                fail(new IllegalStateException("no livekit_service_url for member " + self.memberId()));
                return;
            }
            open(url.get());
            actor.schedule(() -> {
                if (!ready.isDone()) {
                    fail(new TimeoutException("LiveKit publisher not connected within " + settings.connectTimeout()));
                }
            }, settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        });
        return ready;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    /** The local member this connection carries. */
    public Member self() {
        return self;
    }

    /** Publishes a sine tone (0 Hz: silence) on the publisher, kept across reconnects and moves. */
    public void publishTone(double hz) {
        run(() -> {
            toneHz = hz;
            for (SfuLink l : new SfuLink[] {link, next}) {
                if (l != null) {
                    l.publishTone(hz);
                }
            }
        });
    }

    /** Hears the level and dominant frequency of what the subscriber receives, about four times a second. */
    public void addAudioListener(Consumer<AudioLevel> listener) {
        audioListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The service of the live link, if one is live. */
    public Optional<String> serviceUrl() {
        try {
            return actor.submit(() -> Optional.ofNullable(link).map(SfuLink::serviceUrl)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public void sessionChanged(Session changed) {
        run(() -> {
            session = changed;
            if (closed || link == null || next != null) {
                return;
            }
            Optional<Transport> active = changed.activeTransport();
            if (active.isPresent() && !active.get().equals(transport)) {
                LOG.info("LiveKit {}: session {} moved to {} transport {}; the runtime moves this connection", name,
                        changed.roomId(), active.get().type(), active.get().stringField(LiveKitDiscovery.SERVICE_URL)
                                .orElse(""));
                return;
            }
            serviceFor(changed, self, transport, settings).filter(u -> !u.equals(link.serviceUrl())).ifPresent(u -> {
                LOG.info("LiveKit {}: session now names {} (was {}); moving make-before-break", name, u,
                        link.serviceUrl());
                open(u);
            });
        });
    }

    /** Leaves the SFU and closes the peers. Idempotent. */
    @Override
    public void close() {
        run(() -> {
            if (closed) {
                return;
            }
            closed = true;
            ready.completeExceptionally(new IllegalStateException("closed before the media flowed"));
            for (SfuLink l : new SfuLink[] {link, next}) {
                if (l != null) {
                    l.close();
                }
            }
            link = null;
            next = null;
            onClosed.accept(this);
            actor.shutdown(); // queued work (the leave request) still runs
        });
    }

    /**
     * For operators (the admin console's {@code GET /media}): room, slot, member, SFU, state ({@code connecting},
     * {@code connected}, {@code resuming}, {@code reconnecting}, {@code closed}), both peers' states, how often
     * signalling resumed or joined again, and the audio the subscriber receives ({@code null} until some arrives).
     * JDK types only. Reads the actor's state, waiting at most {@code timeoutMs}.
     */
    Map<String, Object> status(long timeoutMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("room_id", self.roomId());
        m.put("slot_id", self.slotId().value());
        m.put("member_id", self.memberId());
        m.put("user_id", self.userId());
        m.put("device_id", self.deviceId());
        m.put("transport", transport.type());
        m.put("name", name);
        try {
            m.putAll(actor.submit(this::linkStatus).get(timeoutMs, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            m.put("state", "closed");
        } catch (Exception e) {
            m.put("state", "unknown");
            m.put("error", "no answer from the connection within " + timeoutMs + " ms");
        }
        Heard h = lastAudio;
        if (h == null) {
            m.put("audio", null);
        } else {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("rms", Math.round(h.level().rms() * 1000) / 1000.0);
            a.put("hz", Math.round(h.level().frequencyHz() * 10) / 10.0);
            a.put("samples", h.level().samples());
            a.put("age_ms", (System.nanoTime() - h.nanos()) / 1_000_000);
            m.put("audio", a);
        }
        return m;
    }

    /** Actor only. */
    private Map<String, Object> linkStatus() {
        Map<String, Object> m = new LinkedHashMap<>();
        SfuLink.Snapshot s = link == null ? null : link.snapshot();
        m.put("state", state(s));
        m.put("service_url", link == null ? null : link.serviceUrl());
        m.put("sfu_url", link == null ? null : link.sfuUrl());
        m.put("moving_to", next == null ? null : next.serviceUrl());
        m.put("signalling", s == null ? null : s.signal().name().toLowerCase(Locale.ROOT));
        m.put("publisher", s == null || s.publisher() == null ? null : s.publisher().name().toLowerCase(Locale.ROOT));
        m.put("subscriber", s == null || s.subscriber() == null ? null
                : s.subscriber().name().toLowerCase(Locale.ROOT));
        m.put("resumes", pastResumes + (s == null ? 0 : s.resumes()));
        m.put("reconnects", pastReconnects + (s == null ? 0 : s.reconnects()));
        m.put("published", toneHz > 0 ? "tone " + toneHz + " Hz" : "silence");
        return m;
    }

    /** The connection's state word for operators, from the live link's signalling state. */
    private String state(SfuLink.Snapshot s) {
        if (closed) {
            return "closed";
        }
        if (s == null || !ready.isDone()) {
            return "connecting";
        }
        return switch (s.signal()) {
            case JOINED -> "connected";
            case RESUMING -> "resuming";
            case IDLE, CONNECTING, RECONNECTING, CLOSED -> "reconnecting";
        };
    }

    /** When the first publisher connection came up (nanoTime), 0 before. */
    long connectedNanos() {
        return connectedNanos;
    }

    // ---- actor ------------------------------------------------------------------------------------------------

    private void run(Runnable r) {
        try {
            actor.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("LiveKit {}: task failed", name, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("LiveKit {}: closed; dropping a task", name);
        }
    }

    /** Gets access to {@code url} (blocking, on the I/O executor), then joins there as the live or the next link. */
    private void open(String url) {
        io.execute(() -> {
            TokenResult result;
            try {
                result = access.apply(url, self);
            } catch (RuntimeException e) {
                result = new TokenResult.Unreachable(e.toString());
            }
            TokenResult r = result;
            run(() -> granted(url, r));
        });
    }

    private void granted(String url, TokenResult result) {
        if (closed) {
            return;
        }
        switch (result) {
            case TokenResult.Granted g -> {
                SfuLink l = new SfuLink(name + "-" + (++links), url, g.access(), engine, http,
                        settings.withToneHz(toneHz), actor, events);
                if (link == null) {
                    link = l;
                } else {
                    next = l;
                }
                LOG.info("LiveKit {}: joining {} at {}", name, url, g.access().url());
                l.start();
            }
            case TokenResult.Refused r -> giveUp(url, "refused: " + r.status() + " " + r.errcode());
            case TokenResult.Unreachable u -> giveUp(url, "unreachable: " + u.reason());
        }
    }

    private void giveUp(String url, String why) {
        if (!ready.isDone()) {
            fail(new IllegalStateException("LiveKit service " + url + " " + why));
        } else {
            LOG.warn("LiveKit {}: no access to {} ({}); staying where we are", name, url, why);
        }
    }

    private void fail(Throwable why) {
        LOG.warn("LiveKit {}: connect failed: {}", name, why.getMessage());
        ready.completeExceptionally(why);
        close();
    }

    private final class LinkEvents implements SfuLink.Events {
        @Override
        public void onPublisherConnected(SfuLink l) {
            if (l == next) {
                SfuLink old = link;
                link = next;
                next = null;
                SfuLink.Snapshot past = old.snapshot();
                pastResumes += past.resumes();
                pastReconnects += past.reconnects();
                old.close();
                LOG.info("LiveKit {}: now on {}, left {}", name, link.serviceUrl(), old.serviceUrl());
            }
            if (l == link && !ready.isDone()) {
                connectedNanos = System.nanoTime();
                LOG.info("LiveKit {}: media can flow on {}", name, l.serviceUrl());
                ready.complete(LiveKitConnection.this);
            }
        }

        @Override
        public void onAudio(SfuLink l, AudioLevel level) {
            if (l == link) {
                lastAudio = new Heard(level, System.nanoTime());
                for (Consumer<AudioLevel> c : audioListeners) {
                    try {
                        c.accept(level);
                    } catch (RuntimeException e) {
                        LOG.warn("LiveKit {}: audio listener failed", name, e);
                    }
                }
            }
        }

        @Override
        public void onLost(SfuLink l, String why) {
            if (l == next) {
                next = null;
                l.close();
                LOG.warn("LiveKit {}: the move to {} failed ({})", name, l.serviceUrl(), why);
            } else if (l == link) {
                if (!ready.isDone()) {
                    fail(new IllegalStateException("LiveKit " + l.serviceUrl() + ": " + why));
                } else if (next == null) {
                    LOG.warn("LiveKit {}: lost {} ({}); joining again with a new token", name, l.serviceUrl(), why);
                    pastReconnects++;
                    open(l.serviceUrl());
                }
            }
        }
    }
}
