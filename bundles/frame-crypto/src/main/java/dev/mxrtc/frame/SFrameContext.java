package dev.mxrtc.frame;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An SFrame context (RFC 9605 §4.4): a key store by KID for one cipher suite, per-KID send counters and
 * per-KID replay windows. Thread-safe (one lock per context); use one context per sender direction: a
 * context that sends with a KID must not also receive with it, or (KID, CTR) pairs would repeat.
 *
 * <h2>Sender keys (§5.1)</h2>
 * {@link #addSenderKey} registers a base key under a key generation with {@code R} ratchet bits: the KID is
 * {@code (generation << R) + (step mod 2^R)}. The sender moves forward with {@link #ratchetSenderKey}; a
 * receiver that sees a KID of a known generation with a newer step ratchets forward by itself, and keeps the
 * new key only if the frame authenticates. The key of the step before the newest stays for late frames.
 *
 * <h2>Replay</h2>
 * Each KID has a sliding window (default 128 counters) above the highest authenticated CTR: a CTR already
 * accepted, or older than the window, is {@link FrameResult.Reason#REPLAYED}. The window moves only after a
 * frame authenticates, so forged headers cannot push it.
 */
@ProviderType
public interface SFrameContext {

    /** The suite every key of this context uses. */
    CipherSuite suite();

    /** Adds (or replaces) the {@code base_key} for a KID, for sending and receiving. */
    void addKey(long kid, KeyMaterial baseKey);

    /** Forgets a KID's keys, counter and replay window; true if it was known. */
    boolean removeKey(long kid);

    /**
     * Registers a §5.1 sender key: generation {@code generation}, {@code ratchetBits} R (0–16), step 0.
     *
     * @return the KID of step 0
     */
    long addSenderKey(long generation, int ratchetBits, KeyMaterial baseKey);

    /**
     * Sender side of §5.1: ratchets the generation's base key one step forward and returns the new KID to
     * encrypt with. The previous step's key stays for late frames; older ones are deleted.
     */
    long ratchetSenderKey(long generation);

    /**
     * Encrypts a frame with the next counter of {@code kid}.
     *
     * @return header ‖ ciphertext ‖ tag
     * @throws IllegalStateException if the KID has no key or its counter is exhausted
     */
    byte[] encrypt(long kid, byte[] frame, byte[] metadata);

    /** Decrypts an SFrame ciphertext; {@code metadata} must equal what the sender authenticated. */
    FrameResult decrypt(byte[] sframe, byte[] metadata);
}
