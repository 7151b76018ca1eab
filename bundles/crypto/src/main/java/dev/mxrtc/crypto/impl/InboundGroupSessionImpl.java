package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.GroupPlaintext;
import dev.mxrtc.crypto.InboundGroupSession;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A received Megolm session: the ratchet at the first known index (to reach any later index) and the latest
 * ratchet reached (so in-order decryption costs one step).
 */
final class InboundGroupSessionImpl implements InboundGroupSession {
    private final SecureRandom random;
    private final MegolmRatchet initial;
    private MegolmRatchet latest;
    private final byte[] signingKey;
    private final boolean verified;

    private InboundGroupSessionImpl(SecureRandom random, MegolmRatchet initial, MegolmRatchet latest,
                                    byte[] signingKey, boolean verified) {
        this.random = random;
        this.initial = initial;
        this.latest = latest;
        this.signingKey = signingKey.clone();
        this.verified = verified;
    }

    static InboundGroupSessionImpl from(MegolmCodec.SessionKey key, SecureRandom random) {
        MegolmRatchet ratchet = new MegolmRatchet(key.ratchet(), key.index());
        Bytes.zero(key.ratchet());
        return new InboundGroupSessionImpl(random, ratchet, ratchet.copy(), key.publicKey(), key.signed());
    }

    @Override
    public String sessionId() {
        return Bytes.b64(signingKey);
    }

    @Override
    public long firstKnownIndex() {
        return initial.counter();
    }

    @Override
    public boolean isVerified() {
        return verified;
    }

    @Override
    public GroupPlaintext decrypt(String ciphertext) throws CryptoException {
        byte[] message = Bytes.unb64(ciphertext);
        Wire.Megolm parsed = Wire.decodeMegolm(message);
        if (parsed.index() < initial.counter()) {
            throw new CryptoException(Reason.UNKNOWN_INDEX,
                    "index " + parsed.index() + " is before the first known " + initial.counter());
        }
        boolean forward = parsed.index() >= latest.counter();
        MegolmRatchet ratchet = forward ? latest.copy() : initial.copy();
        if (ratchet.counter() != parsed.index()) {
            ratchet.advanceTo(parsed.index());
        }
        byte[] plain;
        try {
            plain = MegolmCodec.decrypt(message, parsed, ratchet, signingKey);
        } catch (CryptoException e) {
            ratchet.destroy();
            throw e;
        }
        if (forward) {
            latest.destroy();
            latest = ratchet;
        } else {
            ratchet.destroy();
        }
        try {
            return new GroupPlaintext(new String(plain, StandardCharsets.UTF_8), parsed.index());
        } finally {
            Bytes.zero(plain);
        }
    }

    @Override
    public String export(long index) throws CryptoException {
        if (index < initial.counter() || index > 0xFFFF_FFFFL) {
            throw new CryptoException(Reason.UNKNOWN_INDEX, "cannot export before the first known index");
        }
        MegolmRatchet ratchet = initial.copy();
        if (index != ratchet.counter()) {
            ratchet.advanceTo(index);
        }
        byte[] exported = MegolmCodec.encodeExport(ratchet, signingKey);
        ratchet.destroy();
        try {
            return Bytes.b64(exported);
        } finally {
            Bytes.zero(exported);
        }
    }

    @Override
    public byte[] pickle(byte[] key) {
        byte[] first = initial.data();
        byte[] last = latest.data();
        try {
            return new Pickle.Writer().bytes(first).longValue(initial.counter()).bytes(last)
                    .longValue(latest.counter()).bytes(signingKey).bool(verified)
                    .seal(Pickle.INBOUND_GROUP_SESSION, key, random);
        } finally {
            Bytes.zero(first, last);
        }
    }

    static InboundGroupSessionImpl restore(byte[] pickle, byte[] key, SecureRandom random) throws CryptoException {
        try (Pickle.Reader in = Pickle.open(Pickle.INBOUND_GROUP_SESSION, pickle, key)) {
            byte[] first = in.bytes();
            long firstIndex = in.longValue();
            byte[] last = in.bytes();
            long lastIndex = in.longValue();
            byte[] signingKey = in.bytes();
            boolean verified = in.bool();
            try {
                return new InboundGroupSessionImpl(random, new MegolmRatchet(first, firstIndex),
                        new MegolmRatchet(last, lastIndex), signingKey, verified);
            } catch (IllegalArgumentException e) {
                throw new CryptoException(Reason.BAD_MESSAGE, "corrupt inbound group session pickle");
            } finally {
                Bytes.zero(first, last);
            }
        }
    }

    @Override
    public String toString() {
        return "InboundGroupSession[id=" + sessionId() + ", firstKnownIndex=" + initial.counter() + "]";
    }
}
