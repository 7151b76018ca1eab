package dev.mxrtc.frame;

/**
 * What kind of media frame a LiveKit-format frame carries, which decides how many leading bytes stay in
 * clear (livekit-client {@code UNENCRYPTED_BYTES}): the Opus TOC byte; the VP8 payload header (10 bytes on
 * key frames, 3 on delta frames); nothing for VP9. H.264/H.265 (per-NALU clear slice headers with RBSP
 * re-escaping) and AV1 (unsupported by LiveKit) are not offered.
 */
public enum LiveKitFrameType {
    /** Any audio frame (LiveKit keeps 1 byte, the Opus TOC, in clear). */
    AUDIO(1),
    /** VP8 key frame. */
    VP8_KEY(10),
    /** VP8 delta frame. */
    VP8_DELTA(3),
    /** VP9 frame (everything encrypted). */
    VP9(0);

    private final int clearBytes;

    LiveKitFrameType(int clearBytes) {
        this.clearBytes = clearBytes;
    }

    /** Number of leading bytes sent in clear and authenticated as AAD. */
    public int clearBytes() {
        return clearBytes;
    }
}
