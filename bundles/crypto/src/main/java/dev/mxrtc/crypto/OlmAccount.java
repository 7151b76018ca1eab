package dev.mxrtc.crypto;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's Olm account: the long-lived Curve25519 identity key, the Ed25519 signing key, unpublished one-time
 * keys and a fallback key. Not thread-safe.
 */
@ProviderType
public interface OlmAccount {

    IdentityKeys identityKeys();

    /** Ed25519 signature of {@code message} with the device key, unpadded base64. */
    String sign(byte[] message);

    /** Generates {@code count} new one-time keys (the oldest are dropped beyond the account's limit of 100). */
    void generateOneTimeKeys(int count);

    /** One-time keys not yet marked as published: key id → unpadded base64 public key. */
    Map<String, String> unpublishedOneTimeKeys();

    /** Replaces the fallback key (the previous one is kept until the next rotation, as libolm does). */
    void generateFallbackKey();

    /** The unpublished fallback key (key id → public key), empty once published. */
    Map<String, String> unpublishedFallbackKey();

    /** Marks the current one-time and fallback keys as published, after a successful {@code /keys/upload}. */
    void markKeysAsPublished();

    /** Number of one-time keys the account still holds (published or not). */
    int oneTimeKeyCount();

    /**
     * Starts a session to a device whose identity key and (claimed, signature-checked) one-time key are given.
     */
    OlmSession createOutboundSession(String theirIdentityKey, String theirOneTimeKey) throws CryptoException;

    /**
     * Creates a session from a pre-key message and decrypts it. The one-time key it used is removed from the
     * account (the fallback key stays). Fails if the message does not decrypt, leaving the account unchanged.
     */
    InboundSession createInboundSession(String theirIdentityKey, OlmMessage preKeyMessage) throws CryptoException;

    /** The account state encrypted with AES-256-GCM under {@code key} (32 bytes). */
    byte[] pickle(byte[] key);
}
