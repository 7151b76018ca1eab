package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoState;
import dev.mxrtc.crypto.CryptoStateListener;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.GroupSession;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.crypto.OlmSession;
import java.security.SecureRandom;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/** The bundle's one service: creates and restores the Olm/Megolm objects. Also a ServiceLoader provider. */
@Component(service = OlmFactory.class)
public final class OlmFactoryImpl implements OlmFactory {
    private final SecureRandom random;

    /** For DS and ServiceLoader. */
    public OlmFactoryImpl() {
        this(new SecureRandom());
    }

    OlmFactoryImpl(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public OlmAccount newAccount() {
        return OlmAccountImpl.create(random);
    }

    @Override
    public OlmAccount restoreAccount(byte[] pickle, byte[] key) throws CryptoException {
        return OlmAccountImpl.restore(pickle, key, random);
    }

    @Override
    public OlmSession restoreSession(byte[] pickle, byte[] key) throws CryptoException {
        return OlmSessionImpl.restore(pickle, key, random);
    }

    @Override
    public GroupSession newGroupSession() {
        return GroupSessionImpl.create(random);
    }

    @Override
    public GroupSession restoreGroupSession(byte[] pickle, byte[] key) throws CryptoException {
        return GroupSessionImpl.restore(pickle, key, random);
    }

    @Override
    public InboundGroupSession inboundGroupSession(String sessionKey) throws CryptoException {
        return InboundGroupSessionImpl.from(MegolmCodec.decodeSessionKey(Bytes.unb64(sessionKey)), random);
    }

    @Override
    public InboundGroupSession importInboundGroupSession(String exportedKey) throws CryptoException {
        return InboundGroupSessionImpl.from(MegolmCodec.decodeExport(Bytes.unb64(exportedKey)), random);
    }

    @Override
    public InboundGroupSession restoreInboundGroupSession(byte[] pickle, byte[] key) throws CryptoException {
        return InboundGroupSessionImpl.restore(pickle, key, random);
    }

    @Override
    public DeviceCrypto deviceCrypto(String userId, String deviceId, OlmAccount account) {
        return new DeviceCryptoImpl(this, userId, deviceId, account, CryptoState.EMPTY, CryptoStateListener.NONE);
    }

    @Override
    public DeviceCrypto deviceCrypto(String userId, String deviceId, OlmAccount account, CryptoState restored,
            CryptoStateListener listener) {
        return new DeviceCryptoImpl(this, userId, deviceId, account, restored, listener);
    }

    @Override
    public boolean verifyEd25519(String publicKey, byte[] message, String signature) {
        try {
            byte[] key = Bytes.key32(publicKey);
            byte[] sig = Bytes.unb64(signature);
            return sig.length == Ed25519KeyPair.SIGNATURE_LENGTH
                    && Ed25519KeyPair.verify(key, message, message.length, sig, 0);
        } catch (CryptoException e) {
            return false;
        }
    }
}
