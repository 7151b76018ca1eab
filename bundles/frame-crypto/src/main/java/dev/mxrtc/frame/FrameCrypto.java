package dev.mxrtc.frame;

import dev.mxrtc.frame.impl.DefaultLiveKitFrameCipher;
import dev.mxrtc.frame.impl.DefaultSFrameContext;

/** Makes the frame ciphers of this package. */
public final class FrameCrypto {

    /** Replay window of {@link #sframe(CipherSuite)}: 128 counters per KID. */
    public static final int DEFAULT_REPLAY_WINDOW = 128;

    /** Ratchet window Element Call configures (livekit-client's own default is 8). */
    public static final int DEFAULT_RATCHET_WINDOW = 10;

    private FrameCrypto() {
    }

    /** An SFrame context with the default replay window. */
    public static SFrameContext sframe(CipherSuite suite) {
        return new DefaultSFrameContext(suite, DEFAULT_REPLAY_WINDOW);
    }

    /**
     * An SFrame context.
     *
     * @param replayWindow counters kept per KID below the highest accepted one (0 turns replay checks off,
     *                     for callers that do their own)
     */
    public static SFrameContext sframe(CipherSuite suite, int replayWindow) {
        return new DefaultSFrameContext(suite, replayWindow);
    }

    /** A LiveKit-format cipher for one participant with Element Call's ratchet window (10). */
    public static LiveKitFrameCipher liveKit() {
        return new DefaultLiveKitFrameCipher(DEFAULT_RATCHET_WINDOW);
    }

    /** A LiveKit-format cipher for one participant; {@code ratchetWindow} 0 disables receiver ratcheting. */
    public static LiveKitFrameCipher liveKit(int ratchetWindow) {
        return new DefaultLiveKitFrameCipher(ratchetWindow);
    }
}
