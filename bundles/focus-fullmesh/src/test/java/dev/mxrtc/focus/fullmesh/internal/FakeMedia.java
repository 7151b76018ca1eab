package dev.mxrtc.focus.fullmesh.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;
import dev.mxrtc.media.WorkerListener;
import dev.mxrtc.media.WorkerStatus;

/**
 * Test double for the media worker, for the pure state logic of the mesh only (the real worker and libwebrtc run in
 * the itest-media module): an offer's SDP names its peer, the answer names the answering peer, and a peer whose
 * offer was answered connects both ends at once. Data sent on one end arrives at the other. Video follows the media
 * API's rules: an offerer made with a video section, or one that adds it by renegotiating, carries video both ways; an
 * answerer sends only on a section its offerer offered (else {@code onError("video")}); {@link FakePeer#pumpVideo()}
 * delivers one summary of the published pattern to the other end, as the worker's analyser would.
 */
final class FakeMedia {

    final Map<String, FakePeer> peers = new ConcurrentHashMap<>();
    /** every engine's peers: the "network" an SDP's peer id is looked up in */
    private final Map<String, FakePeer> net;

    FakeMedia(Map<String, FakePeer> net) {
        this.net = net;
    }

    MediaEngine engine() {
        return new MediaEngine() {
            @Override
            public Peer createPeer(String id, PeerRole role, PeerListener listener) {
                return createPeer(id, role, true, listener);
            }

            @Override
            public Peer createPeer(String id, PeerRole role, boolean audio, PeerListener listener) {
                return createPeer(id, role, new MediaOptions(audio, false), listener);
            }

            @Override
            public Peer createPeer(String id, PeerRole role, MediaOptions options, PeerListener listener) {
                if (peers.containsKey(id) && !peers.get(id).closed) {
                    throw new IllegalArgumentException("peer " + id + " exists");
                }
                FakePeer p = new FakePeer(id, role, options, listener);
                peers.put(id, p);
                net.put(id, p);
                if (role == PeerRole.OFFERER) {
                    listener.onState(PeerState.CONNECTING);
                    listener.onLocalDescription(new SessionDescription(SessionDescription.Type.OFFER, "v=0 offer:" + id));
                    listener.onLocalCandidate(new IceCandidate("0", 0, "candidate:" + id));
                }
                return p;
            }

            @Override
            public void addWorkerListener(WorkerListener listener) {
            }

            @Override
            public void removeWorkerListener(WorkerListener listener) {
            }

            @Override
            public WorkerStatus status() {
                return new WorkerStatus(true, 1, 0);
            }
        };
    }

    List<FakePeer> open() {
        return peers.values().stream().filter(p -> !p.closed).toList();
    }

    final class FakePeer implements Peer {
        final String id;
        final PeerRole role;
        final PeerListener listener;
        final MediaOptions options;
        final List<String> remoteSdps = new ArrayList<>();
        final List<IceCandidate> candidates = new ArrayList<>();
        final List<String> received = new ArrayList<>();
        double tone;
        /** the peer whose received audio this one publishes (publishAudioOf), null for none */
        String audioOf;
        FakePeer partner;
        boolean connected;
        boolean closed;
        /** the published pattern, null for none */
        VideoPattern video;
        /** the connection has a video section (offerer: made with one or added; answerer: its offer had one) */
        boolean videoSection;
        /** offers made after the first (renegotiations) */
        int reoffers;
        long framesSent;

        FakePeer(String id, PeerRole role, MediaOptions options, PeerListener listener) {
            this.id = id;
            this.role = role;
            this.options = options;
            this.listener = listener;
            this.videoSection = role == PeerRole.OFFERER && options.video();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public PeerRole role() {
            return role;
        }

        @Override
        public void setRemoteDescription(SessionDescription d) {
            remoteSdps.add(d.sdp());
            String prefix = d.type() == SessionDescription.Type.OFFER ? "v=0 offer:" : "v=0 answer:";
            FakePeer other = d.sdp().startsWith(prefix) ? net.get(d.sdp().substring(prefix.length())) : null;
            if (other == null) {
                listener.onError("remote-sdp", "SetRemoteDescription failed: malformed SDP");
                return;
            }
            partner = other;
            if (d.type() == SessionDescription.Type.OFFER) {
                videoSection = other.videoSection;
                listener.onLocalDescription(new SessionDescription(SessionDescription.Type.ANSWER, "v=0 answer:" + id));
                if (!connected) {
                    listener.onState(PeerState.CONNECTING);
                    listener.onLocalCandidate(new IceCandidate("0", 0, "candidate:" + id));
                }
            } else if (!connected && !other.closed) {
                connected = true;
                other.connected = true;
                other.partner = this;
                listener.onState(PeerState.CONNECTED);
                other.listener.onState(PeerState.CONNECTED);
            }
        }

        @Override
        public void addIceCandidate(IceCandidate candidate) {
            candidates.add(candidate);
        }

        @Override
        public void publishTone(double hz) {
            tone = hz;
            audioOf = null;
        }

        @Override
        public void publishPcm(short[] samples) {
        }

        @Override
        public void publishAudioOf(String fromPeerId) {
            audioOf = fromPeerId;
            tone = 0;
        }

        @Override
        public void publishVideo(VideoPattern pattern) {
            video = pattern;
            if (role == PeerRole.OFFERER && !videoSection) {
                videoSection = true;
                reoffers++;
                listener.onLocalDescription(new SessionDescription(SessionDescription.Type.OFFER, "v=0 offer:" + id));
            } else if (role == PeerRole.ANSWERER && partner != null && !videoSection) {
                listener.onError("video", "the offer had no video section");
            }
        }

        @Override
        public void stopVideo() {
            boolean was = video != null;
            video = null;
            if (role == PeerRole.OFFERER && videoSection) {
                reoffers++;
                listener.onLocalDescription(new SessionDescription(SessionDescription.Type.OFFER, "v=0 offer:" + id));
            }
            if (was && connected && partner != null && !partner.closed) {
                partner.listener.onVideo(new VideoLevel(0, 0, 0, 0, 0, 0, 0, framesSent));
            }
        }

        /** One summary of what this end sends, delivered to the other end (nothing without video or a section). */
        void pumpVideo() {
            if (video == null || !videoSection || !connected || partner == null || partner.closed) {
                return;
            }
            framesSent += video.fps();
            partner.listener.onVideo(new VideoLevel(video.width(), video.height(), video.fps(), video.red(),
                    video.green(), video.blue(), 0.299 * video.red() + 0.587 * video.green() + 0.114 * video.blue(),
                    framesSent));
        }

        @Override
        public void send(String text) {
            if (partner != null && !partner.closed) {
                partner.received.add(text);
                partner.listener.onData(text);
            }
        }

        @Override
        public void reconnect() {
        }

        @Override
        public void close() {
            closed = true;
        }

        /** The connection fails (as ICE would). */
        void fail() {
            listener.onState(PeerState.FAILED);
        }
    }
}
