package dev.mxrtc.focus.fullmesh.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.focus.fullmesh.FullMeshConnection;
import dev.mxrtc.focus.fullmesh.MeshListener;
import dev.mxrtc.focus.fullmesh.PeerStats;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Envelope;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;

/**
 * One local member's full mesh in one session: a {@link PeerLink} per other member, added and torn down as the
 * computed session changes, fed by signalling that the backend routes here by {@code dest_session_id}. Messages
 * are only acted on when their sender is a current member; a sender whose membership has not arrived yet is held
 * for {@link MeshSettings#holdUnknownMs()}, then dropped with a log line. All state lives on one actor.
 */
final class MeshSession implements FullMeshConnection, LinkHost {

    private static final Logger LOG = LoggerFactory.getLogger(MeshSession.class);
    private static final int MAX_HELD = 256;

    private record Held(SignallingTransport.Peer from, CallSignal signal, long atMs) {
    }

    private final Actor actor;
    private final MeshSettings settings;
    private final MediaEngine engine;
    private final Member self;
    private final Transport transport;
    private final String signallingType;
    private final Function<String, Optional<SignallingTransport>> transports;
    private final Consumer<MeshSession> onClose;
    private final List<MeshListener> listeners = new CopyOnWriteArrayList<>();
    // actor-owned
    private Session session;
    private final Map<String, PeerLink> links = new LinkedHashMap<>();
    private final List<Held> held = new ArrayList<>();
    private final Published published;
    private long seq;
    private boolean started;
    private boolean closed;
    /** completes once close has handed every hangup to the transport */
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    MeshSession(Actor actor, MeshSettings settings, MediaEngine engine, Session session, Member self,
            Transport transport, Function<String, Optional<SignallingTransport>> transports,
            Consumer<MeshSession> onClose) {
        this(actor, settings, engine, session, self, transport, transports, onClose, Optional.empty());
    }

    /**
     * @param initialVideo published from the first peer on, so every first offer already carries a video section and
     *        no call renegotiates for it
     */
    MeshSession(Actor actor, MeshSettings settings, MediaEngine engine, Session session, Member self,
            Transport transport, Function<String, Optional<SignallingTransport>> transports,
            Consumer<MeshSession> onClose, Optional<VideoPattern> initialVideo) {
        this.published = new Published(initialVideo);
        this.actor = actor;
        this.settings = settings;
        this.engine = engine;
        this.session = session;
        this.self = self;
        this.transport = transport;
        this.signallingType = signallingType(transport);
        this.transports = transports;
        this.onClose = onClose;
    }

    /** The signalling a full_mesh transport names ({@code signalling}), {@code to_device} when it names none. */
    static String signallingType(Transport transport) {
        return transport.stringField("signalling").orElse("to_device");
    }

    void start() {
        actor.execute(() -> startWhenMediaRuns(actor.nowMs()));
        LOG.info("full mesh for {} ({}) in {} {} over {} signalling", self.userId(), self.memberId(),
                session.roomId(), session.slotId(), signallingType);
    }

    /**
     * Peers are made once the media process runs (at most {@link MeshSettings#connectTimeoutMs()} later): an answer
     * cannot be made before, and signals that arrive meanwhile are held like those of not-yet-known members.
     */
    private void startWhenMediaRuns(long since) {
        if (closed) {
            return;
        }
        if (engine.status().running() || actor.nowMs() - since >= settings.connectTimeoutMs()) {
            started = true;
            apply(session);
        } else {
            actor.schedule(() -> startWhenMediaRuns(since), 100);
        }
    }

    // ---- FocusConnection

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public String memberId() {
        return self.memberId();
    }

    @Override
    public void sessionChanged(Session changed) {
        actor.execute(() -> apply(changed));
    }

    @Override
    public void close() {
        actor.execute(() -> {
            if (closed) {
                closeDone.complete(null);
                return;
            }
            closed = true;
            links.values().forEach(l -> {
                l.close("the local member left the mesh", true);
                notify(x -> x.onPeerClosed(l.remote(), "closed"));
            });
            links.clear();
            held.clear();
            onClose.accept(this);
            closeDone.complete(null);
            actor.schedule(actor::close, 0);
        });
    }

    /** {@link #close()}; the future completes once every hangup was handed to the transport. */
    CompletableFuture<Void> closeAndWait() {
        close();
        return closeDone;
    }

    @Override
    public void publishTone(double hz) {
        actor.execute(() -> {
            published.tone(hz);
            links.values().forEach(PeerLink::republishAudio);
        });
    }

    @Override
    public void publishPcm(short[] samples) {
        short[] copy = samples.clone();
        actor.execute(() -> {
            published.pcm(copy);
            links.values().forEach(PeerLink::republishAudio);
        });
    }

    @Override
    public void publishEcho() {
        actor.execute(() -> {
            published.echo();
            links.values().forEach(PeerLink::republishAudio);
        });
    }

    @Override
    public void publishVideo(VideoPattern pattern) {
        Objects.requireNonNull(pattern, "pattern");
        actor.execute(() -> {
            published.video(pattern);
            links.values().forEach(PeerLink::republishVideo);
        });
    }

    @Override
    public void stopVideo() {
        actor.execute(() -> {
            if (published.stopVideo()) {
                links.values().forEach(PeerLink::republishVideo);
            }
        });
    }

    @Override
    public void send(String memberId, String text) {
        actor.execute(() -> links.values().stream().filter(l -> l.remote().memberId().equals(memberId)).findFirst()
                .ifPresentOrElse(l -> l.send(text), () -> LOG.debug("no peer {}; dropping a data message", memberId)));
    }

    @Override
    public void broadcast(String text) {
        actor.execute(() -> links.values().forEach(l -> l.send(text)));
    }

    @Override
    public List<PeerStats> stats() {
        CompletableFuture<List<PeerStats>> f = new CompletableFuture<>();
        actor.execute(() -> f.complete(statsNow()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("full mesh did not answer (closed, or stats() called from a listener)", e);
        }
    }

    /**
     * For operators: this mesh and its peers as a JSON-ready map (see docs/admin.md, {@code GET /media}).
     *
     * @throws IllegalStateException if the mesh's thread does not answer within {@code timeoutMs}
     */
    Map<String, Object> status(long timeoutMs) {
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        actor.execute(() -> f.complete(statusNow()));
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("full mesh of " + self.memberId() + " did not answer", e);
        }
    }

    /** On the actor only: see {@link #status(long)}. */
    Map<String, Object> statusNow() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("room_id", session.roomId());
        m.put("slot_id", session.slotId().value());
        m.put("member_id", self.memberId());
        m.put("user_id", self.userId());
        m.put("device_id", self.deviceId());
        m.put("transport", transport.type());
        m.put("signalling", signallingType);
        m.put("published", published.audioStatus());
        m.put("published_video", published.videoStatus());
        m.put("peers", links.values().stream().map(PeerLink::status).toList());
        return m;
    }

    /** On the actor only. */
    List<PeerStats> statsNow() {
        return links.values().stream().map(PeerLink::stats).toList();
    }

    @Override
    public AutoCloseable addListener(MeshListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---- from the backend

    /** A parsed call event that names this member as its destination. Any thread. */
    void onSignal(String transportType, SignallingTransport.Peer from, CallSignal signal) {
        actor.execute(() -> receive(transportType, from, signal, true));
    }

    private void receive(String transportType, SignallingTransport.Peer from, CallSignal signal, boolean fresh) {
        if (closed) {
            return;
        }
        Envelope e = signal.env();
        if (!e.confId().isEmpty() && !e.confId().equals(session.slotId().value())
                || !e.roomId().isEmpty() && !e.roomId().equals(session.roomId())) {
            LOG.info("ignoring {} from {}: for session {} in {}, not {} in {}", kind(signal), from.userId(),
                    e.confId(), e.roomId(), session.slotId(), session.roomId());
            return;
        }
        Optional<PeerLink> link = linkOf(from.userId(), e.deviceId(), e.senderSessionId());
        if (link.isEmpty()) {
            if (fresh && settings.holdUnknownMs() > 0 && held.size() < MAX_HELD
                    && !(from.userId().equals(self.userId()) && e.senderSessionId().equals(self.memberId()))) {
                held.add(new Held(from, signal, actor.nowMs()));
                actor.schedule(this::expireHeld, settings.holdUnknownMs() + 1);
                LOG.debug("holding {} from {} ({}): not a member (yet)", kind(signal), from.userId(),
                        e.senderSessionId());
            } else {
                LOG.info("ignoring {} over {} from {} {} ({}): not a member of {} in {}", kind(signal), transportType,
                        from.userId(), e.deviceId(), e.senderSessionId(), session.slotId(), session.roomId());
            }
            return;
        }
        PeerLink l = link.get();
        switch (signal) {
            case CallSignal.Invite i -> l.onInvite(i);
            case CallSignal.Answer a -> l.onAnswer(a);
            case CallSignal.Candidates c -> l.onCandidates(c);
            case CallSignal.Negotiate n -> l.onNegotiate(n);
            case CallSignal.Hangup h -> l.onHangup(h);
        }
    }

    private static String kind(CallSignal s) {
        return switch (s) {
            case CallSignal.Invite i -> CallWire.INVITE;
            case CallSignal.Answer a -> CallWire.ANSWER;
            case CallSignal.Candidates c -> CallWire.CANDIDATES;
            case CallSignal.Negotiate n -> CallWire.NEGOTIATE;
            case CallSignal.Hangup h -> CallWire.HANGUP;
        };
    }

    private void expireHeld() {
        long now = actor.nowMs();
        for (Iterator<Held> it = held.iterator(); it.hasNext();) {
            Held h = it.next();
            if (now - h.atMs() >= settings.holdUnknownMs()) {
                it.remove();
                LOG.info("dropped {} from {} ({}): no such member of {} in {} within {} ms", kind(h.signal()),
                        h.from().userId(), h.signal().env().senderSessionId(), session.slotId(), session.roomId(),
                        settings.holdUnknownMs());
            }
        }
    }

    private void apply(Session changed) {
        if (closed) {
            return;
        }
        session = changed;
        if (!started) {
            return;
        }
        Map<String, Member> others = new LinkedHashMap<>();
        for (Member m : changed.members()) {
            if (!isSelf(m)) {
                others.put(key(m.userId(), m.deviceId(), m.memberId()), m);
            }
        }
        for (Iterator<Map.Entry<String, PeerLink>> it = links.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, PeerLink> e = it.next();
            if (!others.containsKey(e.getKey())) {
                it.remove();
                e.getValue().close("the member left the session", false);
                notify(l -> l.onPeerClosed(e.getValue().remote(), "left"));
            }
        }
        others.forEach((k, m) -> {
            if (!links.containsKey(k)) {
                PeerLink link = new PeerLink(this, m);
                links.put(k, link);
                LOG.info("{} ({}) joined; {} it", m.userId(), m.memberId(), link.offerer() ? "calling" : "waiting for");
                link.start();
            }
        });
        if (!held.isEmpty()) {
            List<Held> replay = new ArrayList<>(held);
            held.clear();
            for (Held h : replay) {
                Envelope e = h.signal().env();
                if (linkOf(h.from().userId(), e.deviceId(), e.senderSessionId()).isPresent()) {
                    receive("held", h.from(), h.signal(), false);
                } else {
                    held.add(h);
                }
            }
        }
    }

    private boolean isSelf(Member m) {
        return m.memberId().equals(self.memberId()) && m.userId().equals(self.userId())
                && m.deviceId().equals(self.deviceId());
    }

    private Optional<PeerLink> linkOf(String user, String device, String memberId) {
        return Optional.ofNullable(links.get(key(user, device, memberId)));
    }

    private static String key(String user, String device, String memberId) {
        return user + '\n' + device + '\n' + memberId;
    }

    private void notify(Consumer<MeshListener> call) {
        for (MeshListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a full-mesh listener failed", e);
            }
        }
    }

    // ---- LinkHost

    @Override
    public Actor actor() {
        return actor;
    }

    @Override
    public MeshSettings settings() {
        return settings;
    }

    @Override
    public Member self() {
        return self;
    }

    @Override
    public Peer createPeer(String id, PeerRole role, PeerListener listener) {
        if (published.videoSections()) {
            try {
                return engine.createPeer(id, role, new MediaOptions(settings.audio(), true), listener);
            } catch (UnsupportedOperationException e) {
                LOG.warn("the media engine has no video; {} carries none: {}", id, e.getMessage());
            }
        }
        return engine.createPeer(id, role, settings.audio(), listener);
    }

    @Override
    public void applyAudio(Peer peer) {
        published.applyAudio(peer);
    }

    @Override
    public void applyVideo(Peer peer, boolean fresh) {
        published.applyVideo(peer, fresh);
    }

    @Override
    public Envelope envelope(Member to, String callId) {
        return new Envelope(callId, self.deviceId(), session.slotId().value(), session.roomId(), self.deviceId(),
                self.memberId(), to.memberId(), ++seq);
    }

    @Override
    public void signal(Member to, Envelope env, PeerLink.SignalBody body) {
        SignallingTransport.Message message = CallWire.encode(body.build(env));
        Optional<SignallingTransport> t = transports.apply(signallingType);
        if (t.isEmpty()) {
            LOG.warn("no {} signalling transport; dropping {} to {}", signallingType, message.type(), to.userId());
            return;
        }
        SignallingTransport.Peer peer = new SignallingTransport.Peer(session.roomId(), to.userId(), to.deviceId(),
                to.memberId());
        try {
            t.get().send(peer, message).whenComplete((ok, err) -> {
                if (err != null) {
                    LOG.warn("sending {} to {} {} over {} failed: {}", message.type(), to.userId(), to.deviceId(),
                            signallingType, err.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("sending {} to {} over {} failed: {}", message.type(), to.userId(), signallingType, e.toString());
        }
    }

    @Override
    public void peerState(Member remote, PeerState state) {
        notify(l -> l.onPeerState(remote, state));
    }

    @Override
    public void data(Member remote, String text) {
        notify(l -> l.onData(remote, text));
    }

    @Override
    public void audio(Member remote, AudioLevel level) {
        notify(l -> l.onAudio(remote, level));
    }

    @Override
    public void video(Member remote, VideoLevel level) {
        notify(l -> l.onVideo(remote, level));
    }
}
