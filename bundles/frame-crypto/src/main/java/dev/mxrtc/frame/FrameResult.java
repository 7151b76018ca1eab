package dev.mxrtc.frame;

/**
 * The outcome of decrypting one frame. Rejections are expected on a live call (keys rotate, packets arrive
 * late or twice), so they are values, not exceptions.
 */
public sealed interface FrameResult permits FrameResult.Decrypted, FrameResult.Rejected {

    /**
     * The frame authenticated and decrypted.
     *
     * @param frame   the plaintext frame (for the LiveKit format: clear header followed by the decrypted
     *                payload). Handed over to the caller, not copied: media frames are large and hot.
     * @param keyId   the SFrame KID, or the LiveKit key index
     * @param counter the SFrame CTR; -1 for the LiveKit format, which has no counter
     */
    record Decrypted(byte[] frame, long keyId, long counter) implements FrameResult {
        public Decrypted {
            if (frame == null) {
                throw new IllegalArgumentException("frame required");
            }
        }

        @Override
        public String toString() {
            return "Decrypted[" + frame.length + " bytes, keyId=" + Long.toUnsignedString(keyId)
                    + ", counter=" + (counter == -1 ? "-" : Long.toUnsignedString(counter)) + "]";
        }
    }

    /**
     * The frame was dropped.
     *
     * @param reason why
     * @param detail a short human-readable explanation (never key material)
     */
    record Rejected(Reason reason, String detail) implements FrameResult {
        public Rejected {
            if (reason == null) {
                throw new IllegalArgumentException("reason required");
            }
            detail = detail == null ? "" : detail;
        }
    }

    /** Why a frame was rejected. */
    enum Reason {
        /** The header or trailer cannot be parsed, or the frame is too short. */
        MALFORMED,
        /** No key for the frame's KID / key index (the caller may buffer and retry when a key arrives). */
        UNKNOWN_KEY,
        /** The tag did not verify: wrong key, or the frame, header or metadata was altered. */
        AUTHENTICATION_FAILED,
        /** The (KID, CTR) was already accepted, or is older than the replay window. */
        REPLAYED
    }
}
