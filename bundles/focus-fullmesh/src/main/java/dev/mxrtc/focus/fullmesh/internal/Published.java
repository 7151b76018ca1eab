package dev.mxrtc.focus.fullmesh.internal;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.media.Peer;
import dev.mxrtc.media.VideoPattern;

/**
 * What a mesh publishes on every peer, now and on peers made later: audio (nothing, a tone, looped PCM, or each peer's
 * own audio back to it) and video (a generated pattern or nothing). Owned by the mesh's actor.
 */
final class Published {

    private static final Logger LOG = LoggerFactory.getLogger(Published.class);

    private sealed interface Audio {
        record None() implements Audio {
        }

        record Tone(double hz) implements Audio {
        }

        record Pcm(short[] samples) implements Audio {
        }

        /** each peer gets back the audio it sends (the echo participant of docs/media.md, per peer) */
        record Echo() implements Audio {
        }
    }

    private Audio audio = new Audio.None();
    /** null for none */
    private VideoPattern video;
    /** peers are made with a video section once the mesh has published video, so a later start needs no offer */
    private boolean videoSections;

    /** @param video published from the first peer on, whose first offer then carries a video section */
    Published(Optional<VideoPattern> video) {
        this.video = video.orElse(null);
        this.videoSections = this.video != null;
    }

    void tone(double hz) {
        audio = hz == 0 ? new Audio.None() : new Audio.Tone(hz);
    }

    void pcm(short[] samples) {
        audio = new Audio.Pcm(samples);
    }

    void echo() {
        audio = new Audio.Echo();
    }

    void video(VideoPattern pattern) {
        video = pattern;
        videoSections = true;
    }

    /** @return whether video was published until now */
    boolean stopVideo() {
        boolean was = video != null;
        video = null;
        return was;
    }

    /** Whether new peers are made with a video section. */
    boolean videoSections() {
        return videoSections;
    }

    void applyAudio(Peer peer) {
        switch (audio) {
            case Audio.None n -> {
            }
            case Audio.Tone t -> peer.publishTone(t.hz());
            case Audio.Pcm p -> peer.publishPcm(p.samples());
            case Audio.Echo e -> peer.publishAudioOf(peer.id());
        }
    }

    /** {@code fresh}: a peer just made, on which nothing needs stopping when no video is published. */
    void applyVideo(Peer peer, boolean fresh) {
        if (video == null && fresh) {
            return;
        }
        try {
            if (video == null) {
                peer.stopVideo();
            } else {
                peer.publishVideo(video);
            }
        } catch (UnsupportedOperationException e) {
            LOG.warn("the media engine has no video; {} sends none: {}", peer.id(), e.getMessage());
        }
    }

    /** For the status: {@code none}, {@code tone 440.0 Hz}, {@code pcm} or {@code echo}. */
    String audioStatus() {
        return switch (audio) {
            case Audio.None n -> "none";
            case Audio.Tone t -> "tone " + t.hz() + " Hz";
            case Audio.Pcm p -> "pcm";
            case Audio.Echo e -> "echo";
        };
    }

    /** For the status: {@code none} or {@code #rrggbb 320x180@15fps}. */
    String videoStatus() {
        return video == null ? "none" : describe(video);
    }

    static String describe(VideoPattern p) {
        return ReceivedMedia.hex(p.rgb()) + " " + p.width() + "x" + p.height() + "@" + p.fps() + "fps";
    }
}
