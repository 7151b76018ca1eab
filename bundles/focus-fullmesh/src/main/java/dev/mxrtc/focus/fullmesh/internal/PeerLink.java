package dev.mxrtc.focus.fullmesh.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.focus.fullmesh.PeerStats;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Answer;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Candidates;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Hangup;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Invite;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Negotiate;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.VideoLevel;

/**
 * The connection of the local member to one other member: a sequence of MSC2746 calls, each one media peer
 * connection. The side whose (user, device, member id) sorts lower is the offerer; the other only answers, so two
 * members never offer at once (no glare).
 *
 * <pre>
 *  offerer:  BACKOFF --timer--> INVITING --answer--> CONNECTING --connected--> CONNECTED
 *               ^                   | no answer          | timeout / failed      | failed / disconnected too long
 *               +-------------------+--------------------+-----------------------+  (hangup sent, new call id)
 *               +--- hangup received / media process restarted (at once) --------+
 *  answerer: WAITING --invite--> CONNECTING --connected--> CONNECTED
 *               ^                     | timeout / failed / bad offer      |
 *               +---------------------+--- hangup sent (the offerer restarts)
 *            a new invite (new call id) replaces the current call in any state
 *  any --member left / mesh closed--> CLOSED
 * </pre>
 *
 * Everything runs on the mesh's actor; media callbacks are handed to it and dropped when they belong to an older call.
 */
final class PeerLink {

    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final int MAX_EARLY_CANDIDATES = 64;

    enum Phase { WAITING, BACKOFF, INVITING, CONNECTING, CONNECTED, CLOSED }

    /** Builds a signal from its envelope. */
    interface SignalBody {
        CallSignal build(CallSignal.Envelope env);
    }

    private final LinkHost host;
    private final Member remote;
    private final boolean offerer;
    private final long createdMs;
    private Phase phase;
    private String callId = "";
    private Peer peer;
    private boolean sentDescription;
    private Actor.Cancellable timer = () -> { };
    private int attempt;
    private int calls;
    private int restarts;
    private long firstConnectedMs = -1;
    private long sent;
    private long received;
    private final ReceivedMedia media;
    private PeerState mediaState = PeerState.NEW;
    private String earlyCallId = "";
    private final List<IceCandidate> earlyCandidates = new ArrayList<>();

    PeerLink(LinkHost host, Member remote) {
        this.host = host;
        this.remote = remote;
        this.offerer = offers(host.self(), remote);
        this.createdMs = host.actor().nowMs();
        this.media = new ReceivedMedia(createdMs);
        this.phase = offerer ? Phase.BACKOFF : Phase.WAITING;
    }

    /** The deterministic rule: the member whose (user id, device id, member id) sorts lower makes the offers. */
    static boolean offers(Member self, Member remote) {
        int c = self.userId().compareTo(remote.userId());
        if (c == 0) {
            c = self.deviceId().compareTo(remote.deviceId());
        }
        if (c == 0) {
            c = self.memberId().compareTo(remote.memberId());
        }
        return c < 0;
    }

    Member remote() {
        return remote;
    }

    boolean offerer() {
        return offerer;
    }

    Phase phase() {
        return phase;
    }

    String callId() {
        return callId;
    }

    void start() {
        if (offerer) {
            newCall();
        } else {
            LOG.debug("waiting for {} ({}) to call", remote.userId(), remote.memberId());
        }
    }

    // ---- signalling in

    void onInvite(Invite invite) {
        if (offerer) {
            LOG.info("ignoring an invite from {} ({}): the local member makes the offers to it", remote.userId(),
                    remote.memberId());
            return;
        }
        if (phase == Phase.CLOSED || invite.env().callId().equals(callId)) {
            return;
        }
        boolean replacing = peer != null || calls > 0;
        closePeer();
        callId = invite.env().callId();
        calls++;
        if (replacing) {
            restarts++;
        }
        sentDescription = false;
        peer = create(PeerRole.ANSWERER);
        peer.setRemoteDescription(new SessionDescription(SessionDescription.Type.OFFER, invite.sdp()));
        if (earlyCallId.equals(callId)) {
            earlyCandidates.forEach(peer::addIceCandidate);
        }
        earlyCandidates.clear();
        earlyCallId = "";
        phase = Phase.CONNECTING;
        arm(host.settings().connectTimeoutMs(), "connect_timeout");
    }

    void onAnswer(Answer answer) {
        if (!offerer || phase != Phase.INVITING || !answer.env().callId().equals(callId)) {
            LOG.info("ignoring an answer from {} for call {} (current {}, {})", remote.userId(),
                    answer.env().callId(), callId, phase);
            return;
        }
        peer.setRemoteDescription(new SessionDescription(SessionDescription.Type.ANSWER, answer.sdp()));
        phase = Phase.CONNECTING;
        arm(host.settings().connectTimeoutMs(), "connect_timeout");
    }

    void onCandidates(Candidates candidates) {
        String id = candidates.env().callId();
        if (phase == Phase.CLOSED) {
            return;
        }
        if (id.equals(callId) && peer != null) {
            candidates.candidates().forEach(peer::addIceCandidate);
        } else if (!offerer) {
            // candidates may overtake their invite on some transports: keep them for that call
            if (!id.equals(earlyCallId)) {
                earlyCallId = id;
                earlyCandidates.clear();
            }
            for (IceCandidate c : candidates.candidates()) {
                if (earlyCandidates.size() < MAX_EARLY_CANDIDATES) {
                    earlyCandidates.add(c);
                }
            }
        } else {
            LOG.debug("ignoring candidates from {} for old call {}", remote.userId(), id);
        }
    }

    void onNegotiate(Negotiate negotiate) {
        if (peer == null || !negotiate.env().callId().equals(callId) || phase == Phase.CLOSED) {
            LOG.info("ignoring a negotiate from {} for call {} (current {})", remote.userId(),
                    negotiate.env().callId(), callId);
            return;
        }
        peer.setRemoteDescription(negotiate.description());
    }

    void onHangup(Hangup hangup) {
        if (!hangup.env().callId().equals(callId) || phase == Phase.CLOSED) {
            return;
        }
        LOG.info("{} ({}) hung up call {}: {}", remote.userId(), remote.memberId(), callId, hangup.reason());
        closePeer();
        if (offerer) {
            backoff();
        } else {
            phase = Phase.WAITING;
            timer.cancel();
        }
    }

    // ---- media events (already on the actor, for call `id`)

    private void onLocalDescription(String id, SessionDescription d) {
        if (!current(id)) {
            return;
        }
        if (sentDescription) {
            host.signal(remote, host.envelope(remote, callId), env -> new Negotiate(env, d));
            return;
        }
        sentDescription = true;
        if (offerer && d.type() == SessionDescription.Type.OFFER) {
            host.signal(remote, host.envelope(remote, callId), env -> new Invite(env, d.sdp(), 30_000));
            // the answer is awaited from when the invite leaves, not from when the peer was asked for an offer
            arm(host.settings().answerTimeoutMs(), "invite_timeout");
        } else if (!offerer && d.type() == SessionDescription.Type.ANSWER) {
            host.signal(remote, host.envelope(remote, callId), env -> new Answer(env, d.sdp()));
        } else {
            LOG.warn("unexpected local {} for {} as {}", d.type(), remote.userId(), offerer ? "offerer" : "answerer");
        }
    }

    private void onLocalCandidate(String id, IceCandidate c) {
        if (current(id)) {
            host.signal(remote, host.envelope(remote, callId), env -> new Candidates(env, List.of(c)));
        }
    }

    private void onState(String id, PeerState s) {
        if (!current(id)) {
            return;
        }
        mediaState = s;
        host.peerState(remote, s);
        switch (s) {
            case CONNECTED -> {
                phase = Phase.CONNECTED;
                timer.cancel();
                attempt = 0;
                if (firstConnectedMs < 0) {
                    firstConnectedMs = host.actor().nowMs() - createdMs;
                }
                LOG.info("connected to {} ({}) on call {}", remote.userId(), remote.memberId(), callId);
            }
            case FAILED -> fail("ice_failed");
            case DISCONNECTED -> arm(host.settings().disconnectedGraceMs(), "disconnected");
            case NEW, CONNECTING, CLOSED -> {
            }
        }
    }

    private void onError(String id, String op, String message) {
        if (!current(id)) {
            return;
        }
        LOG.warn("media error with {} ({}) on call {}: {} {}", remote.userId(), remote.memberId(), callId, op,
                message);
        if ("remote-sdp".equals(op) || "create".equals(op)) {
            fail("ice_failed");
        }
    }

    private void onReconnecting(String id) {
        if (!current(id)) {
            return;
        }
        LOG.info("media process restarted; renewing the call with {} ({})", remote.userId(), remote.memberId());
        fail("media_restart");
    }

    // ---- lifecycle

    /** Ends the link for good; {@code hangup}: tell the remote side (we are leaving, it is not). */
    void close(String reason, boolean hangup) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (hangup && peer != null) {
            String id = callId;
            host.signal(remote, host.envelope(remote, id), env -> new Hangup(env, "user_hangup"));
        }
        timer.cancel();
        closePeer();
        phase = Phase.CLOSED;
        LOG.info("closed the connection to {} ({}): {}", remote.userId(), remote.memberId(), reason);
    }

    void send(String text) {
        if (peer == null || phase != Phase.CONNECTED) {
            LOG.debug("not connected to {}; dropping a data message", remote.userId());
            return;
        }
        peer.send(text);
        sent++;
    }

    void republishAudio() {
        if (peer != null) {
            host.applyAudio(peer);
        }
    }

    void republishVideo() {
        if (peer != null) {
            host.applyVideo(peer, false);
        }
    }

    PeerStats stats() {
        return new PeerStats(remote.userId(), remote.deviceId(), remote.memberId(), offerer,
                phase == Phase.CLOSED ? PeerState.CLOSED : mediaState, callId, calls, restarts, firstConnectedMs,
                sent, received, media.audio(), media.video());
    }

    /**
     * For operators (the admin console's media view): {@link #stats()} as a JSON-ready map, plus the phase and the age
     * of the last received audio and video summaries, so a reader can tell fresh media from a value kept from an older
     * call.
     */
    Map<String, Object> status() {
        PeerStats s = stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", s.userId());
        m.put("device_id", s.deviceId());
        m.put("member_id", s.memberId());
        m.put("offerer", s.offerer());
        m.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("phase", phase.name().toLowerCase(java.util.Locale.ROOT));
        m.put("call_id", s.callId());
        m.put("calls", s.calls());
        m.put("restarts", s.restarts());
        m.put("first_connected_ms", s.firstConnectedMs());
        m.put("messages_sent", s.messagesSent());
        m.put("messages_received", s.messagesReceived());
        m.put("audio", media.audioStatus(host.actor().nowMs()));
        m.put("video", media.videoStatus(host.actor().nowMs()));
        return m;
    }

    // ---- internals

    private void newCall() {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (calls > 0) {
            restarts++;
        }
        closePeer();
        callId = UUID.randomUUID().toString();
        calls++;
        sentDescription = false;
        phase = Phase.INVITING;
        peer = create(PeerRole.OFFERER);
        arm(host.settings().connectTimeoutMs(), "no_local_offer");
    }

    private void fail(String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        LOG.info("call {} with {} ({}) ended: {}", callId, remote.userId(), remote.memberId(), reason);
        if (peer != null) {
            host.signal(remote, host.envelope(remote, callId), env -> new Hangup(env, reason));
        }
        closePeer();
        if (offerer) {
            if ("media_restart".equals(reason)) {
                newCall();
            } else {
                backoff();
            }
        } else {
            phase = Phase.WAITING;
            timer.cancel();
        }
    }

    private void backoff() {
        phase = Phase.BACKOFF;
        long delay = Math.min(500L << Math.min(attempt, 10), host.settings().retryMaxMs());
        attempt++;
        timer.cancel();
        timer = host.actor().schedule(this::newCall, delay);
    }

    /** Arms the one timer of this link for the current call. */
    private void arm(long delayMs, String reason) {
        timer.cancel();
        String id = callId;
        Phase armedIn = phase;
        timer = host.actor().schedule(() -> {
            if (!id.equals(callId) || phase == Phase.CLOSED) {
                return;
            }
            if ("disconnected".equals(reason) ? mediaState == PeerState.DISCONNECTED : phase != Phase.CONNECTED) {
                LOG.info("call {} with {}: {} (in {})", id, remote.userId(), reason, armedIn);
                fail(reason);
            }
        }, delayMs);
    }

    private boolean current(String id) {
        return phase != Phase.CLOSED && id.equals(callId) && peer != null;
    }

    private void closePeer() {
        if (peer != null) {
            Peer p = peer;
            peer = null;
            mediaState = PeerState.CLOSED;
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the media peer for {} failed: {}", remote.userId(), e.toString());
            }
        }
    }

    private Peer create(PeerRole role) {
        String id = callId;
        String peerId = host.self().memberId() + ">" + remote.memberId() + "#" + id;
        Actor actor = host.actor();
        Peer p = host.createPeer(peerId, role, new PeerListener() {
            @Override
            public void onLocalDescription(SessionDescription d) {
                actor.execute(() -> PeerLink.this.onLocalDescription(id, d));
            }

            @Override
            public void onLocalCandidate(IceCandidate c) {
                actor.execute(() -> PeerLink.this.onLocalCandidate(id, c));
            }

            @Override
            public void onState(PeerState s) {
                actor.execute(() -> PeerLink.this.onState(id, s));
            }

            @Override
            public void onData(String text) {
                actor.execute(() -> {
                    if (current(id)) {
                        received++;
                        host.data(remote, text);
                    }
                });
            }

            @Override
            public void onAudio(AudioLevel level) {
                actor.execute(() -> {
                    if (current(id)) {
                        media.audio(level, host.actor().nowMs());
                        host.audio(remote, level);
                    }
                });
            }

            @Override
            public void onVideo(VideoLevel level) {
                actor.execute(() -> {
                    if (current(id)) {
                        media.video(level, host.actor().nowMs());
                        host.video(remote, level);
                    }
                });
            }

            @Override
            public void onError(String operation, String message) {
                actor.execute(() -> PeerLink.this.onError(id, operation, message));
            }

            @Override
            public void onReconnecting() {
                actor.execute(() -> PeerLink.this.onReconnecting(id));
            }
        });
        host.applyAudio(p);
        host.applyVideo(p, true);
        mediaState = PeerState.NEW;
        return p;
    }
}
