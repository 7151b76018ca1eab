package dev.mxrtc.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A received Megolm session. Decryption is stateless with respect to replays: a replayed message decrypts again;
 * compare {@link GroupPlaintext#messageIndex()} with the event id you saw it under (or use {@link DeviceCrypto},
 * which does). Not thread-safe.
 */
@ProviderType
public interface InboundGroupSession {

    String sessionId();

    /** The lowest index this session can decrypt. */
    long firstKnownIndex();

    /** Whether the session came with the sender's signature ({@code m.room_key}) rather than from an export. */
    boolean isVerified();

    GroupPlaintext decrypt(String ciphertext) throws CryptoException;

    /** The session in export format (165 bytes, unsigned, base64) from {@code index} on. */
    String export(long index) throws CryptoException;

    byte[] pickle(byte[] key);
}
