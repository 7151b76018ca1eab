package dev.mxrtc.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates and restores Olm/Megolm objects; the OSGi service (and {@link java.util.ServiceLoader} provider) of this
 * bundle. Thread-safe.
 */
@ProviderType
public interface OlmFactory {

    OlmAccount newAccount();

    OlmAccount restoreAccount(byte[] pickle, byte[] key) throws CryptoException;

    OlmSession restoreSession(byte[] pickle, byte[] key) throws CryptoException;

    GroupSession newGroupSession();

    GroupSession restoreGroupSession(byte[] pickle, byte[] key) throws CryptoException;

    /** From an {@code m.room_key} {@code session_key} (signature checked). */
    InboundGroupSession inboundGroupSession(String sessionKey) throws CryptoException;

    /** From an exported key ({@code m.forwarded_room_key}, key backup); not verified. */
    InboundGroupSession importInboundGroupSession(String exportedKey) throws CryptoException;

    InboundGroupSession restoreInboundGroupSession(byte[] pickle, byte[] key) throws CryptoException;

    /** The Matrix layer for one device around {@code account}, in memory only (a new device, or tests). */
    DeviceCrypto deviceCrypto(String userId, String deviceId, OlmAccount account);

    /**
     * The Matrix layer for one device around {@code account}, starting from {@code restored} sessions and telling
     * {@code listener} about every change, so that a restarted device keeps decrypting the sessions it had.
     */
    DeviceCrypto deviceCrypto(String userId, String deviceId, OlmAccount account, CryptoState restored,
            CryptoStateListener listener);

    /** Verifies an Ed25519 signature ({@code signature} and {@code publicKey} unpadded base64). */
    boolean verifyEd25519(String publicKey, byte[] message, String signature);
}
