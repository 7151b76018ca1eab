package dev.mxrtc.crypto;

import org.osgi.annotation.versioning.ProviderType;

/** An outbound Megolm session: one sender's ratchet for one room. Not thread-safe. */
@ProviderType
public interface GroupSession {

    /** The Ed25519 public key of the session, unpadded base64. */
    String sessionId();

    /** Index the next message will be encrypted at. */
    long messageIndex();

    /** Encrypts and advances the ratchet; the result is unpadded base64. */
    String encrypt(String plaintext);

    /** The {@code session_key} for {@code m.room_key} at the current index (229 bytes, signed, base64). */
    String sessionKey();

    byte[] pickle(byte[] key);
}
