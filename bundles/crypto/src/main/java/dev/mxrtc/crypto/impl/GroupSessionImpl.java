package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.GroupSession;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** An outbound Megolm session: a random ratchet at index 0 and a fresh Ed25519 key that signs every message. */
final class GroupSessionImpl implements GroupSession {
    private final SecureRandom random;
    private final MegolmRatchet ratchet;
    private final Ed25519KeyPair signing;

    private GroupSessionImpl(SecureRandom random, MegolmRatchet ratchet, Ed25519KeyPair signing) {
        this.random = random;
        this.ratchet = ratchet;
        this.signing = signing;
    }

    static GroupSessionImpl create(SecureRandom random) {
        byte[] data = new byte[MegolmRatchet.LENGTH];
        random.nextBytes(data);
        try {
            return new GroupSessionImpl(random, new MegolmRatchet(data, 0), Ed25519KeyPair.generate(random));
        } finally {
            Bytes.zero(data);
        }
    }

    @Override
    public String sessionId() {
        return signing.publicKeyBase64();
    }

    @Override
    public long messageIndex() {
        return ratchet.counter();
    }

    @Override
    public String encrypt(String plaintext) {
        byte[] plain = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] message = MegolmCodec.encrypt(ratchet, signing, plain);
            ratchet.advance();
            return Bytes.b64(message);
        } finally {
            Bytes.zero(plain);
        }
    }

    @Override
    public String sessionKey() {
        byte[] key = MegolmCodec.encodeSessionKey(ratchet, signing);
        try {
            return Bytes.b64(key);
        } finally {
            Bytes.zero(key);
        }
    }

    @Override
    public byte[] pickle(byte[] key) {
        byte[] data = ratchet.data();
        byte[] seed = signing.seedCopy();
        try {
            return new Pickle.Writer().bytes(data).longValue(ratchet.counter()).bytes(seed)
                    .seal(Pickle.GROUP_SESSION, key, random);
        } finally {
            Bytes.zero(data, seed);
        }
    }

    static GroupSessionImpl restore(byte[] pickle, byte[] key, SecureRandom random) throws CryptoException {
        try (Pickle.Reader in = Pickle.open(Pickle.GROUP_SESSION, pickle, key)) {
            byte[] data = in.bytes();
            long counter = in.longValue();
            byte[] seed = in.bytes();
            try {
                return new GroupSessionImpl(random, new MegolmRatchet(data, counter), new Ed25519KeyPair(seed));
            } catch (IllegalArgumentException e) {
                throw new CryptoException(Reason.BAD_MESSAGE, "corrupt group session pickle");
            } finally {
                Bytes.zero(data, seed);
            }
        }
    }

    @Override
    public String toString() {
        return "GroupSession[id=" + sessionId() + ", index=" + ratchet.counter() + "]";
    }
}
