package dev.mxrtc.media.ipc;

import java.util.Objects;

/** Worker → runtime, one JSON line each on the worker's stdout (its logs go to stderr). */
public sealed interface Event {

    /** Events about one peer connection generation. */
    sealed interface PeerEvent extends Event {
        String peer();

        int gen();
    }

    /** The worker loaded libwebrtc and takes commands. */
    record Ready(long pid) implements Event {
    }

    /** A local description to send to the remote side ({@code offer} or {@code answer}). */
    record LocalSdp(String peer, int gen, String type, String sdp) implements PeerEvent {
        public LocalSdp {
            Wire.requireId(peer);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    record LocalCandidate(String peer, int gen, String mid, int index, String candidate) implements PeerEvent {
        public LocalCandidate {
            Wire.requireId(peer);
            Objects.requireNonNull(candidate, "candidate");
        }
    }

    /** Peer connection state, lower case: new, connecting, connected, disconnected, failed, closed. */
    record State(String peer, int gen, String state) implements PeerEvent {
        public State {
            Wire.requireId(peer);
            Objects.requireNonNull(state, "state");
        }
    }

    record Data(String peer, int gen, String data) implements PeerEvent {
        public Data {
            Wire.requireId(peer);
            Objects.requireNonNull(data, "data");
        }
    }

    /** What the worker hears from a peer over the last window: RMS (0..1 of full scale) and dominant frequency. */
    record Audio(String peer, int gen, double rms, double hz, long samples) implements PeerEvent {
        public Audio {
            Wire.requireId(peer);
        }
    }

    /**
     * The remote video over the last window: latest frame size, frame rate, mean colour of the picture's centre
     * ({@code rgb} as 0xRRGGBB) and its mean luma, total frames decoded.
     */
    record Video(String peer, int gen, int width, int height, double fps, int rgb, double luma, long frames)
            implements PeerEvent {
        public Video {
            Wire.requireId(peer);
        }
    }

    /** One decoded remote video frame, packed I420 (see {@link dev.mxrtc.media.I420Frame}). */
    record VideoFrame(String peer, int gen, int width, int height, long timestampMicros, byte[] i420)
            implements PeerEvent {
        public VideoFrame {
            Wire.requireId(peer);
            i420 = i420.clone();
        }

        @Override
        public byte[] i420() {
            return i420.clone();
        }
    }

    /** A block of decoded remote audio: mono 16-bit little-endian PCM at {@code rate}. */
    record AudioFrame(String peer, int gen, int rate, byte[] pcm) implements PeerEvent {
        public AudioFrame {
            Wire.requireId(peer);
            pcm = pcm.clone();
            if (pcm.length % 2 != 0 || rate <= 0) {
                throw new IllegalArgumentException("16-bit PCM at a positive rate");
            }
        }

        @Override
        public byte[] pcm() {
            return pcm.clone();
        }
    }

    /** A command failed; {@code peer} is null for worker-level errors (a line that did not parse). */
    record Error(String peer, int gen, String op, String message) implements Event {
        public Error {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(message, "message");
        }
    }

    record Pong(long seq) implements Event {
    }

    record Closed(String peer, int gen) implements PeerEvent {
        public Closed {
            Wire.requireId(peer);
        }
    }
}
