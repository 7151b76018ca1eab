package dev.mxrtc.crypto;

import org.osgi.annotation.versioning.ProviderType;

/** A pairwise Olm session (double ratchet). Not thread-safe. */
@ProviderType
public interface OlmSession {

    /** SHA-256 of the creator's identity key, base key and the one-time key, unpadded base64. */
    String sessionId();

    /** The other device's Curve25519 identity key. */
    String theirIdentityKey();

    /** Encrypts; type 0 (pre-key) until this session has decrypted a message from the other side. */
    OlmMessage encrypt(String plaintext);

    /** Decrypts; a message already decrypted is refused ({@link CryptoException.Reason#REPLAY}). */
    String decrypt(OlmMessage message) throws CryptoException;

    /** Whether this pre-key message was sent on this session (same identity, base and one-time keys). */
    boolean matchesInbound(String theirIdentityKey, OlmMessage preKeyMessage);

    /** Whether a message from the other side has been decrypted (so encrypt sends type 1). */
    boolean hasReceivedMessage();

    /** The session state encrypted with AES-256-GCM under {@code key} (32 bytes). */
    byte[] pickle(byte[] key);
}
