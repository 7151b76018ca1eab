package dev.mxrtc.crypto.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoState;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.InboundRoomSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmSession;

/**
 * Olm accounts, Olm sessions and Megolm inbound sessions of the local devices, kept across restarts. Everything is
 * written as the crypto bundle's pickles (AES-256-GCM under the store's pickle key); the database file is encrypted
 * as well. Save after every change of an object (a decrypt advances a ratchet). Thread-safe.
 */
@ProviderType
public interface CryptoStore extends AutoCloseable {

    void saveAccount(String userId, String deviceId, OlmAccount account);

    Optional<OlmAccount> loadAccount(String userId, String deviceId) throws CryptoException;

    /** Keyed by the peer's Curve25519 identity key and the session id; replaces an older pickle of the session. */
    void saveOlmSession(String userId, String deviceId, OlmSession session);

    /** The sessions with a peer identity key, most recently saved first. */
    List<OlmSession> loadOlmSessions(String userId, String deviceId, String theirIdentityKey) throws CryptoException;

    void saveInboundGroupSession(String userId, String deviceId, String roomId, String senderKey,
            InboundGroupSession session);

    Optional<InboundGroupSession> loadInboundGroupSession(String userId, String deviceId, String roomId,
            String sessionId) throws CryptoException;

    /** Keeps a Megolm inbound session with the sender keys it came with (replaces an older pickle of it). */
    void saveInboundRoomSession(String userId, String deviceId, InboundRoomSession session);

    /** Everything saved for the device's sessions: Olm sessions most recently saved first, and Megolm ones. */
    CryptoState loadState(String userId, String deviceId) throws CryptoException;

    /**
     * The device's {@link DeviceCrypto}, kept in this store: its account is loaded (or created and saved on first
     * use), its Olm and Megolm sessions are restored, and every later change is written through before the operation
     * that made it returns. After a restart the device keeps decrypting the sessions it had. Outbound Megolm
     * sessions are not kept (the next room event starts a new one).
     */
    DeviceCrypto openDevice(String userId, String deviceId) throws CryptoException;

    @Override
    void close();
}
