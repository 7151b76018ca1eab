package dev.mxrtc.focus.fullmesh.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.VideoLevel;

/**
 * What one link last received from its member, and when: the latest audio and video summaries, kept across calls so
 * a reader tells fresh media from a value of an older call by its age. Owned by the mesh's actor, like its link.
 */
final class ReceivedMedia {

    private final long sinceMs;
    private AudioLevel audio;
    private long audioAtMs = -1;
    private VideoLevel video;
    private long videoAtMs = -1;
    private long firstPictureMs = -1;

    /** @param sinceMs when the link was made: {@link #firstPictureMs()} counts from here */
    ReceivedMedia(long sinceMs) {
        this.sinceMs = sinceMs;
    }

    void audio(AudioLevel level, long nowMs) {
        audio = level;
        audioAtMs = nowMs;
    }

    void video(VideoLevel level, long nowMs) {
        video = level;
        videoAtMs = nowMs;
        if (firstPictureMs < 0 && level.fps() > 0 && level.width() > 0) {
            firstPictureMs = nowMs - sinceMs;
        }
    }

    Optional<AudioLevel> audio() {
        return Optional.ofNullable(audio);
    }

    Optional<VideoLevel> video() {
        return Optional.ofNullable(video);
    }

    /** From the link's creation to the first video summary with frames in it; -1 until then. */
    long firstPictureMs() {
        return firstPictureMs;
    }

    /** The audio summary as a JSON-ready map ({@code rms, hz, samples, age_ms}), or null before any. */
    Map<String, Object> audioStatus(long nowMs) {
        if (audio == null) {
            return null;
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rms", audio.rms());
        a.put("hz", audio.frequencyHz());
        a.put("samples", audio.samples());
        a.put("age_ms", nowMs - audioAtMs);
        return a;
    }

    /**
     * The video summary as a JSON-ready map ({@code width, height, fps, rgb} as {@code #rrggbb}, {@code luma, frames,
     * first_picture_ms, age_ms}), or null before any.
     */
    Map<String, Object> videoStatus(long nowMs) {
        if (video == null) {
            return null;
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("width", video.width());
        v.put("height", video.height());
        v.put("fps", Math.round(video.fps() * 10) / 10.0);
        v.put("rgb", hex(video.rgb()));
        v.put("luma", video.luma());
        v.put("frames", video.frames());
        v.put("first_picture_ms", firstPictureMs);
        v.put("age_ms", nowMs - videoAtMs);
        return v;
    }

    /** {@code 0xRRGGBB} as {@code #rrggbb}. */
    static String hex(int rgb) {
        return String.format("#%06x", rgb & 0xFFFFFF);
    }
}
