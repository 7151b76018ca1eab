package dev.mxrtc.media;

/**
 * What a new peer connection carries besides its data channel. {@code audio}: an audio section (published audio,
 * received audio analysed). {@code video}: a video section from the first offer, so either side can start or stop
 * sending video later without renegotiating (an offerer can also add video later; that renegotiates).
 *
 * @since 0.2
 */
public record MediaOptions(boolean audio, boolean video) {

    /** Audio and the data channel (what {@link MediaEngine#createPeer(String, PeerRole, PeerListener)} makes). */
    public static final MediaOptions AUDIO = new MediaOptions(true, false);
    /** Audio, video and the data channel. */
    public static final MediaOptions AUDIO_VIDEO = new MediaOptions(true, true);
    /** The data channel only. */
    public static final MediaOptions DATA_ONLY = new MediaOptions(false, false);
}
