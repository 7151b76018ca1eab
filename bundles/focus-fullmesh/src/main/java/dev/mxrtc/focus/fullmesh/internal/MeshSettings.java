package dev.mxrtc.focus.fullmesh.internal;

/**
 * Timings of a full mesh.
 *
 * @param audio whether connections carry audio (else data channels only)
 * @param answerTimeoutMs an offerer starts a new call when an invite has no answer this long
 * @param connectTimeoutMs a call not connected this long after the offer/answer is replaced
 * @param disconnectedGraceMs a {@code disconnected} connection that does not come back this long is replaced
 * @param retryMaxMs the longest wait between an offerer's restarts (they back off from 500 ms)
 * @param holdUnknownMs how long messages from a sender not (yet) in the session are kept, in case its membership
 *        arrives after its first signalling message; then they are dropped
 */
public record MeshSettings(boolean audio, long answerTimeoutMs, long connectTimeoutMs, long disconnectedGraceMs,
        long retryMaxMs, long holdUnknownMs) {

    public static final MeshSettings DEFAULTS = new MeshSettings(true, 10_000, 15_000, 3_000, 8_000, 10_000);

    public MeshSettings {
        if (answerTimeoutMs <= 0 || connectTimeoutMs <= 0 || disconnectedGraceMs < 0 || retryMaxMs < 500
                || holdUnknownMs < 0) {
            throw new IllegalArgumentException("bad full-mesh timings");
        }
    }

    public MeshSettings withAudio(boolean on) {
        return new MeshSettings(on, answerTimeoutMs, connectTimeoutMs, disconnectedGraceMs, retryMaxMs, holdUnknownMs);
    }
}
