package dev.mxrtc.frame;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The LiveKit / Element Call frame format for one participant's key ring (256 key indices): livekit-client's
 * {@code FrameCryptor} + {@code ParticipantKeyHandler}. Frame layout:
 * {@code [clear header][AES-GCM-128 ciphertext ‖ tag][IV 12 B][0x0C][key index]}, AAD = clear header,
 * IV = SSRC ‖ RTP timestamp ‖ (timestamp − sendCount mod 0xFFFF), sendCount random per SSRC.
 *
 * <p>Per-participant keys are 32 raw bytes fed to HKDF-SHA-256 (salt {@code "LKFrameEncryptionKey"}, info
 * 128 zero bytes); the shared-password mode uses PBKDF2-SHA-256 with 100 000 iterations and the same salt.
 * A receiver that fails to authenticate a frame ratchets the key forward up to the ratchet window and keeps
 * the ratcheted key when a frame authenticates. Thread-safe (one lock per cipher).
 */
@ProviderType
public interface LiveKitFrameCipher {

    /** Sets the 32 raw bytes of a sender key at {@code keyIndex} (0–255) and makes it the current index. */
    void setKey(int keyIndex, KeyMaterial rawKey);

    /** Shared-password mode: sets the password (UTF-8) at {@code keyIndex} and makes it current. */
    void setSharedPassword(int keyIndex, String password);

    /** Makes {@code keyIndex} the index new frames are encrypted with. */
    void setCurrentKeyIndex(int keyIndex);

    /** The index new frames are encrypted with. */
    int currentKeyIndex();

    /** Ratchets the key at {@code keyIndex} one step forward (what livekit-client's {@code ratchetKey} does). */
    void ratchet(int keyIndex);

    /**
     * Encrypts a frame with the current key index; an empty frame passes through unchanged (as LiveKit does
     * for DTX frames).
     *
     * @throws IllegalStateException    if the current index has no key
     * @throws IllegalArgumentException if the frame is shorter than its clear prefix
     */
    byte[] encrypt(LiveKitFrame frame);

    /** Decrypts a frame; an empty frame comes back empty. */
    FrameResult decrypt(LiveKitFrame frame);
}
