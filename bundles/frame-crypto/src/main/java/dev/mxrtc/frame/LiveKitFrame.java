package dev.mxrtc.frame;

/**
 * One encoded media frame as the LiveKit frame cryptor sees it.
 *
 * @param type         the frame type, deciding the clear prefix
 * @param ssrc         RTP synchronisation source (u32), part of the IV
 * @param rtpTimestamp RTP timestamp (u32), part of the IV
 * @param data         the frame bytes (not copied: media frames are large and hot)
 */
public record LiveKitFrame(LiveKitFrameType type, long ssrc, long rtpTimestamp, byte[] data) {
    public LiveKitFrame {
        if (type == null || data == null) {
            throw new IllegalArgumentException("type and data required");
        }
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL || rtpTimestamp < 0 || rtpTimestamp > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ssrc and rtpTimestamp are u32");
        }
    }

    @Override
    public String toString() {
        return "LiveKitFrame[" + type + ", ssrc=" + ssrc + ", ts=" + rtpTimestamp + ", " + data.length + " bytes]";
    }
}
