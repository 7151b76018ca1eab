package dev.mxrtc.focus.livekit;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import livekit.LivekitModels.ReconnectReason;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrackPublishedResponse;

/**
 * One LiveKit participant on one SFU: the {@link SignalClient} and LiveKit's two peer connections in the media
 * process. The <b>publisher</b> is ours to offer (its audio track announced first with an {@code AddTrackRequest}
 * whose {@code cid} is the track id of the offer's {@code a=msid} line; the offer waits for the
 * {@code TrackPublishedResponse}); the <b>subscriber</b> is the SFU's to offer, we answer. Candidates trickle with
 * target PUBLISHER or SUBSCRIBER.
 *
 * <pre>
 *  start ─▶ SIGNALLING ──JoinResponse──▶ new peers (publisher offers: AddTrack → TrackPublished → offer)
 *                                           │ publisher CONNECTED ──▶ {@link Events#onPublisherConnected}
 *  resumed (same participant) ─▶ publisher not connected? re-offer (the SFU re-offers the subscriber)
 *  full reconnect (JoinResponse again) ─▶ close both peers, new peers, publish again
 *  media worker restarted ─▶ publisher re-offers by itself; subscriber: resume with RR_SUBSCRIBER_FAILED
 *  publisher FAILED ─▶ re-offer        subscriber FAILED ─▶ resume with RR_SUBSCRIBER_FAILED
 *  signalling CLOSED (gave up, or server DISCONNECT) ─▶ {@link Events#onLost}
 * </pre>
 *
 * All state is owned by the connection's single-threaded actor, which also runs the {@link SignalClient}; media
 * events are handed to it. No method blocks except {@link MediaEngine#createPeer}, which waits briefly for the
 * engine's own thread.
 */
final class SfuLink implements SignalListener {

    /** What a link reports to its connection, on the actor. */
    interface Events {
        void onPublisherConnected(SfuLink link);

        void onAudio(SfuLink link, AudioLevel level);

        void onLost(SfuLink link, String why);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SfuLink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MSID = Pattern.compile("(?m)^a=msid:\\S+ (\\S+)\\s*$");
    private static final long TRACK_PUBLISHED_WAIT_MS = 3_000;

    private final String name;
    private final String serviceUrl;
    private final String sfuUrl;
    private final MediaEngine engine;
    private final LiveKitSettings settings;
    private final ScheduledExecutorService actor;
    private final Events events;
    private final SignalClient signal;
    // actor-owned
    private Peer publisher;
    private Peer subscriber;
    private int peerGen;
    private PeerState publisherState = PeerState.NEW;
    private String announcedCid;
    private String pendingCid;
    private String heldOffer;
    // candidates wait for the description they belong to (libwebrtc may report them first)
    private final List<String> heldCandidates = new ArrayList<>();
    private final List<String> heldSubscriberCandidates = new ArrayList<>();
    private boolean publisherOfferSent;
    private int offerId;
    private boolean awaitingAnswer;
    private boolean subscriberAnswerSent;
    private double toneHz;
    private boolean closed;
    // for the status view
    private PeerState subscriberState = PeerState.NEW;
    private SignalClient.State signalState = SignalClient.State.IDLE;
    private int resumes;
    private int reconnects;

    SfuLink(String name, String serviceUrl, SfuAccess access, MediaEngine engine, HttpClient http,
            LiveKitSettings settings, ScheduledExecutorService actor, Events events) {
        this.name = name;
        this.serviceUrl = serviceUrl;
        this.sfuUrl = access.url();
        this.engine = engine;
        this.settings = settings;
        this.actor = actor;
        this.events = events;
        this.toneHz = settings.toneHz();
        this.signal = new SignalClient(http, access, this, actor, settings.signal());
    }

    String serviceUrl() {
        return serviceUrl;
    }

    /** The SFU's websocket URL, as the service granted it. */
    String sfuUrl() {
        return sfuUrl;
    }

    void start() {
        signal.connect();
    }

    /** What the status view shows of this link: signalling state, both peers, recoveries. Actor only. */
    Snapshot snapshot() {
        return new Snapshot(signalState, publisher == null ? null : publisherState,
                subscriber == null ? null : subscriberState, resumes, reconnects);
    }

    /** A link's state for the status view; a peer state is null while that peer does not exist. */
    record Snapshot(SignalClient.State signal, PeerState publisher, PeerState subscriber, int resumes,
            int reconnects) {
    }

    /** Publishes a tone on the publisher (now and after every new publisher); 0 Hz is silence. Actor only. */
    void publishTone(double hz) {
        toneHz = hz;
        if (publisher != null) {
            publisher.publishTone(hz);
        }
    }

    /** Leaves the room and closes both peers. Idempotent; actor only. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        signal.close();
        closePeers();
    }

    // ---- signalling, on the actor -------------------------------------------------------------------------------

    @Override
    public void onJoined(JoinResponse join, boolean fullReconnect) {
        LOG.info("LiveKit {}: joined room {} as {}{}", name, join.getRoom().getName(), join.getParticipant().getSid(),
                fullReconnect ? " (full reconnect: new peer connections)" : "");
        if (fullReconnect) {
            reconnects++;
        }
        closePeers();
        newPeers();
    }

    @Override
    public void onResumed(ReconnectResponse reconnect) {
        LOG.info("LiveKit {}: signalling resumed; publisher {}", name, publisherState);
        resumes++;
        // An offer made while resuming was queued and has gone out now; a publisher that lost its connection and
        // has no offer under way offers again (this stands in for an ICE restart: a fresh connection).
        if (publisher != null && !awaitingAnswer && heldOffer == null
                && (publisherState == PeerState.DISCONNECTED || publisherState == PeerState.FAILED)) {
            newPublisherConnection();
            publisher.reconnect();
        }
    }

    @Override
    public void onOffer(livekit.LivekitRtc.SessionDescription offer) {
        if (subscriber == null) {
            LOG.warn("LiveKit {}: subscriber offer before the join; ignored", name);
            return;
        }
        subscriberAnswerSent = false; // a new offer (re-offer after a resume): its answer comes first
        heldSubscriberCandidates.clear();
        subscriber.setRemoteDescription(new SessionDescription(SessionDescription.Type.OFFER, offer.getSdp()));
    }

    @Override
    public void onAnswer(livekit.LivekitRtc.SessionDescription answer) {
        if (answer.getId() != 0 && answer.getId() != offerId) {
            LOG.debug("LiveKit {}: dropping the answer to offer {} (now {})", name, answer.getId(), offerId);
            return;
        }
        awaitingAnswer = false;
        if (publisher != null) {
            publisher.setRemoteDescription(new SessionDescription(SessionDescription.Type.ANSWER, answer.getSdp()));
        }
    }

    @Override
    public void onTrickle(SignalTarget target, String candidateInit) {
        Peer to = target == SignalTarget.SUBSCRIBER ? subscriber : publisher;
        Optional<IceCandidate> c = parseCandidate(candidateInit);
        if (to != null && c.isPresent()) {
            to.addIceCandidate(c.get());
        }
    }

    @Override
    public void onTrackPublished(TrackPublishedResponse published) {
        if (heldOffer != null && published.getCid().equals(pendingCid)) {
            LOG.debug("LiveKit {}: track {} published as {}", name, published.getCid(), published.getTrack().getSid());
            announcedCid = published.getCid();
            sendHeldOffer();
        }
    }

    @Override
    public void onState(SignalClient.State state) {
        signalState = state;
        if (state == SignalClient.State.CLOSED && !closed) {
            events.onLost(this, "signalling closed");
        }
    }

    // ---- media, handed to the actor -----------------------------------------------------------------------------

    private void newPeers() {
        int gen = ++peerGen;
        publisherState = PeerState.NEW;
        subscriberState = PeerState.NEW;
        announcedCid = null;
        heldOffer = null;
        subscriber = engine.createPeer(name + "-sub-" + gen, PeerRole.ANSWERER, true, new Listener(gen, false));
        publisher = engine.createPeer(name + "-pub-" + gen, PeerRole.OFFERER, settings.audio(), new Listener(gen, true));
        if (settings.audio() && toneHz > 0) {
            publisher.publishTone(toneHz);
        }
    }

    /** The publisher is about to make a new connection (and offer): its candidates wait for that offer. */
    private void newPublisherConnection() {
        publisherState = PeerState.NEW;
        publisherOfferSent = false;
        awaitingAnswer = false;
        heldOffer = null;
        heldCandidates.clear();
    }

    private void closePeers() {
        for (Peer p : new Peer[] {publisher, subscriber}) {
            if (p != null) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    LOG.debug("LiveKit {}: closing peer {}: {}", name, p.id(), e.toString());
                }
            }
        }
        publisher = null;
        subscriber = null;
        heldOffer = null;
        heldCandidates.clear();
        heldSubscriberCandidates.clear();
        publisherOfferSent = false;
        subscriberAnswerSent = false;
    }

    private void onLocalOffer(String sdp) {
        Matcher m = MSID.matcher(sdp);
        String cid = settings.audio() && m.find() ? m.group(1) : null;
        heldOffer = sdp;
        if (cid == null || cid.equals(announcedCid)) {
            sendHeldOffer();
            return;
        }
        pendingCid = cid;
        signal.sendAddTrack(AddTrackRequest.newBuilder().setCid(cid).setName("microphone").setType(TrackType.AUDIO)
                .setSource(TrackSource.MICROPHONE).build());
        String held = sdp;
        actor.schedule(() -> {
            if (heldOffer == held) {
                LOG.warn("LiveKit {}: no TrackPublishedResponse for {} in {} ms; offering anyway", name, cid,
                        TRACK_PUBLISHED_WAIT_MS);
                sendHeldOffer();
            }
        }, TRACK_PUBLISHED_WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private void sendHeldOffer() {
        String sdp = heldOffer;
        heldOffer = null;
        if (sdp == null) {
            return;
        }
        signal.sendOffer(sdp, ++offerId);
        publisherOfferSent = true;
        awaitingAnswer = true;
        heldCandidates.forEach(c -> signal.sendTrickle(SignalTarget.PUBLISHER, c)); // they follow their offer
        heldCandidates.clear();
    }

    /** The events of one generation of peers; older generations' events are dropped. */
    private final class Listener implements PeerListener {
        private final int gen;
        private final boolean isPublisher;

        Listener(int gen, boolean isPublisher) {
            this.gen = gen;
            this.isPublisher = isPublisher;
        }

        private void onActor(Runnable r) {
            try {
                actor.execute(() -> {
                    if (!closed && gen == peerGen) {
                        r.run();
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("LiveKit {}: connection closed; dropping a media event", name);
            }
        }

        @Override
        public void onLocalDescription(SessionDescription d) {
            onActor(() -> {
                if (isPublisher && d.type() == SessionDescription.Type.OFFER) {
                    onLocalOffer(d.sdp());
                } else if (!isPublisher && d.type() == SessionDescription.Type.ANSWER) {
                    signal.sendAnswer(d.sdp());
                    subscriberAnswerSent = true;
                    heldSubscriberCandidates.forEach(c -> signal.sendTrickle(SignalTarget.SUBSCRIBER, c));
                    heldSubscriberCandidates.clear();
                }
            });
        }

        @Override
        public void onLocalCandidate(IceCandidate c) {
            onActor(() -> {
                if (isPublisher && !publisherOfferSent) {
                    heldCandidates.add(candidateInit(c));
                } else if (!isPublisher && !subscriberAnswerSent) {
                    heldSubscriberCandidates.add(candidateInit(c));
                } else {
                    signal.sendTrickle(isPublisher ? SignalTarget.PUBLISHER : SignalTarget.SUBSCRIBER,
                            candidateInit(c));
                }
            });
        }

        @Override
        public void onState(PeerState s) {
            onActor(() -> {
                LOG.debug("LiveKit {}: {} {}", name, isPublisher ? "publisher" : "subscriber", s);
                if (isPublisher) {
                    publisherState = s;
                    if (s == PeerState.CONNECTED) {
                        events.onPublisherConnected(SfuLink.this);
                    } else if (s == PeerState.FAILED) {
                        newPublisherConnection();
                        publisher.reconnect();
                    }
                } else {
                    subscriberState = s;
                }
                if (!isPublisher && s == PeerState.FAILED) {
                    signal.resume(ReconnectReason.RR_SUBSCRIBER_FAILED);
                }
            });
        }

        @Override
        public void onAudio(AudioLevel level) {
            if (!isPublisher) {
                onActor(() -> events.onAudio(SfuLink.this, level));
            }
        }

        @Override
        public void onError(String operation, String message) {
            LOG.debug("LiveKit {}: {} {} failed: {}", name, isPublisher ? "publisher" : "subscriber", operation, message);
        }

        @Override
        public void onReconnecting() {
            onActor(() -> {
                LOG.info("LiveKit {}: media worker restarted; {} renegotiates", name,
                        isPublisher ? "publisher" : "subscriber");
                if (isPublisher) {
                    newPublisherConnection(); // it offers again by itself
                } else {
                    signal.resume(ReconnectReason.RR_SUBSCRIBER_FAILED);
                }
            });
        }
    }

    // ---- RTCIceCandidateInit JSON -------------------------------------------------------------------------------

    static String candidateInit(IceCandidate c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("candidate", c.candidate());
        if (c.sdpMid() != null) {
            o.put("sdpMid", c.sdpMid());
        }
        o.put("sdpMLineIndex", c.sdpMLineIndex());
        return o.toString();
    }

    static Optional<IceCandidate> parseCandidate(String candidateInit) {
        try {
            JsonNode o = JSON.readTree(candidateInit);
            if (!o.path("candidate").isTextual() || o.path("candidate").asText().isEmpty()) {
                return Optional.empty(); // end-of-candidates
            }
            return Optional.of(new IceCandidate(o.path("sdpMid").isTextual() ? o.path("sdpMid").asText() : null,
                    Math.max(0, o.path("sdpMLineIndex").asInt(0)), o.path("candidate").asText()));
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("undecodable candidate: {}", e.toString());
            return Optional.empty();
        }
    }
}
