package dev.mxrtc.crypto;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about every change of a {@link DeviceCrypto}'s state that must survive a restart, so a store can write it
 * through (see {@link OlmFactory#deviceCrypto(String, String, OlmAccount, CryptoState, CryptoStateListener)}).
 *
 * <p>Called synchronously, under the {@link DeviceCrypto}'s lock, before the operation that changed the object
 * returns: a decrypted message is handed out only after its ratchet step is saved. Pickle the object in the call
 * (it must not be used later, outside the lock); do not call back into the {@link DeviceCrypto}. An exception
 * thrown here fails the operation (the in-memory state has already advanced).
 */
@ConsumerType
public interface CryptoStateListener {

    /** A listener that keeps nothing (state lives in memory only). */
    CryptoStateListener NONE = new CryptoStateListener() {
        @Override
        public void accountChanged(OlmAccount account) {
        }

        @Override
        public void olmSessionChanged(OlmSession session) {
        }

        @Override
        public void inboundSessionChanged(InboundRoomSession session) {
        }
    };

    /** One-time or fallback keys were generated, published or used up. */
    void accountChanged(OlmAccount account);

    /** An Olm session was created, or it encrypted or decrypted a message (its ratchet moved). */
    void olmSessionChanged(OlmSession session);

    /** A Megolm inbound session was added or replaced by one that reaches an earlier index. */
    void inboundSessionChanged(InboundRoomSession session);
}
