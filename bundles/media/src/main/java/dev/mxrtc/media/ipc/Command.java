package dev.mxrtc.media.ipc;

import java.util.Objects;

/**
 * Runtime → worker, one JSON line each on the worker's stdin. Peer commands carry the peer id and the generation the
 * supervisor gave that peer's current connection; the worker answers a command for another generation with an error.
 */
public sealed interface Command {

    /** Peer commands, with the connection generation they address. */
    sealed interface PeerCommand extends Command {
        String peer();

        int gen();
    }

    /**
     * A new peer connection (replacing any with the same id); the offerer creates the data channel and the offer.
     * Without {@code audio} the connection carries only the data channel. With {@code video} the offerer puts a video
     * section into its first offer.
     */
    record Create(String peer, int gen, boolean offerer, boolean audio, boolean video) implements PeerCommand {
        public Create {
            Wire.requireId(peer);
        }

        public Create(String peer, int gen, boolean offerer, boolean audio) {
            this(peer, gen, offerer, audio, false);
        }
    }

    /** The remote description: {@code type} is {@code offer} or {@code answer}. */
    record RemoteSdp(String peer, int gen, String type, String sdp) implements PeerCommand {
        public RemoteSdp {
            Wire.requireId(peer);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    record Candidate(String peer, int gen, String mid, int index, String candidate) implements PeerCommand {
        public Candidate {
            Wire.requireId(peer);
            Objects.requireNonNull(candidate, "candidate");
        }
    }

    /** Publish a sine tone at {@code hz} (0 = silence). */
    record Tone(String peer, int gen, double hz) implements PeerCommand {
        public Tone {
            Wire.requireId(peer);
            if (!(hz >= 0 && hz <= 20_000)) {
                throw new IllegalArgumentException("tone must be in [0, 20000] Hz: " + hz);
            }
        }
    }

    /** Publish a PCM clip (16-bit little-endian, mono, 48 kHz), looped. */
    record Pcm(String peer, int gen, byte[] pcm) implements PeerCommand {
        public Pcm {
            Wire.requireId(peer);
            pcm = pcm.clone();
            if (pcm.length % 2 != 0) {
                throw new IllegalArgumentException("16-bit PCM has an even number of bytes");
            }
        }

        @Override
        public byte[] pcm() {
            return pcm.clone();
        }
    }

    /** Publish the decoded audio received from peer {@code from} (the peer's own id: an echo). */
    record Forward(String peer, int gen, String from) implements PeerCommand {
        public Forward {
            Wire.requireId(peer);
            Wire.requireId(from);
        }
    }

    /** Publish the generated video pattern (solid colour, frame counter, moving bar); an offerer adds video if needed. */
    record Video(String peer, int gen, int width, int height, int fps, int rgb) implements PeerCommand {
        public Video {
            Wire.requireId(peer);
            new dev.mxrtc.media.VideoPattern(width, height, fps, rgb); // validates
        }
    }

    /**
     * One frame the application pushes, packed I420 ({@link dev.mxrtc.media.I420Frame}'s layout), fed to the video
     * source instead of the generated pattern; an offerer adds video if needed, as for {@link Video}.
     */
    record PushFrame(String peer, int gen, int width, int height, byte[] i420) implements PeerCommand {
        /** Largest frame accepted: 1280x720 pixels (either orientation). */
        public static final int MAX_PIXELS = 1280 * 720;
        public static final int MAX_SIDE = 1280;

        public PushFrame {
            Wire.requireId(peer);
            checkSize(width, height);
            i420 = i420.clone();
            if (i420.length != dev.mxrtc.media.I420Frame.size(width, height)) {
                throw new IllegalArgumentException("I420 " + width + "x" + height + " needs "
                        + dev.mxrtc.media.I420Frame.size(width, height) + " bytes, got " + i420.length);
            }
        }

        /** Refuses sizes that are not positive or larger than 1280x720 (in pixels, either orientation). */
        public static void checkSize(int width, int height) {
            if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE
                    || (long) width * height > MAX_PIXELS) {
                throw new IllegalArgumentException("pushed video frames must be at most 1280x720 (either"
                        + " orientation), got " + width + "x" + height);
            }
        }

        @Override
        public byte[] i420() {
            return i420.clone();
        }
    }

    /** Stop publishing video (an offerer also makes its video section receive-only and renegotiates). */
    record VideoStop(String peer, int gen) implements PeerCommand {
        public VideoStop {
            Wire.requireId(peer);
        }
    }

    /**
     * Which decoded media to send back as events: video frames at most {@code videoFps} a second (0: none) and
     * received audio as PCM blocks ({@code audio}).
     */
    record Frames(String peer, int gen, int videoFps, boolean audio) implements PeerCommand {
        public Frames {
            Wire.requireId(peer);
            if (videoFps < 0 || videoFps > 30) {
                throw new IllegalArgumentException("video frames per second must be 0..30: " + videoFps);
            }
        }
    }

    /** A text message on the peer's data channel. */
    record Send(String peer, int gen, String data) implements PeerCommand {
        public Send {
            Wire.requireId(peer);
            Objects.requireNonNull(data, "data");
        }
    }

    record Close(String peer, int gen) implements PeerCommand {
        public Close {
            Wire.requireId(peer);
        }
    }

    /** Liveness probe: the worker answers {@link Event.Pong} with the same seq. */
    record Ping(long seq) implements Command {
    }

    /** Close everything and exit. */
    record Dispose() implements Command {
    }
}
