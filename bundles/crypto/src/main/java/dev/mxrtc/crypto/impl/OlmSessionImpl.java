package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.OlmMessage;
import dev.mxrtc.crypto.OlmSession;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An Olm session: the ratchet plus the three keys that identify it (Alice's identity and base key, Bob's one-time
 * key). Alice wraps her messages in pre-key messages until she decrypts one from Bob.
 */
final class OlmSessionImpl implements OlmSession {
    private final SecureRandom random;
    private final OlmRatchet ratchet;
    private final byte[] aliceIdentityKey;
    private final byte[] aliceBaseKey;
    private final byte[] bobOneTimeKey;
    private final byte[] theirIdentityKey;
    private boolean receivedMessage;

    OlmSessionImpl(SecureRandom random, OlmRatchet ratchet, byte[] aliceIdentityKey, byte[] aliceBaseKey,
                   byte[] bobOneTimeKey, byte[] theirIdentityKey, boolean receivedMessage) {
        this.random = random;
        this.ratchet = ratchet;
        this.aliceIdentityKey = aliceIdentityKey.clone();
        this.aliceBaseKey = aliceBaseKey.clone();
        this.bobOneTimeKey = bobOneTimeKey.clone();
        this.theirIdentityKey = theirIdentityKey.clone();
        this.receivedMessage = receivedMessage;
    }

    @Override
    public String sessionId() {
        return Bytes.b64(Bytes.sha256(Bytes.concat(aliceIdentityKey, aliceBaseKey, bobOneTimeKey)));
    }

    @Override
    public String theirIdentityKey() {
        return Bytes.b64(theirIdentityKey);
    }

    @Override
    public boolean hasReceivedMessage() {
        return receivedMessage;
    }

    @Override
    public OlmMessage encrypt(String plaintext) {
        byte[] plain = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] normal = ratchet.encrypt(plain, random);
        Bytes.zero(plain);
        if (receivedMessage) {
            return new OlmMessage(OlmMessage.NORMAL, Bytes.b64(normal));
        }
        return new OlmMessage(OlmMessage.PRE_KEY,
                Bytes.b64(Wire.encodePreKey(bobOneTimeKey, aliceBaseKey, aliceIdentityKey, normal)));
    }

    @Override
    public String decrypt(OlmMessage message) throws CryptoException {
        byte[] bytes = Bytes.unb64(message.body());
        byte[] normal;
        if (message.isPreKey()) {
            Wire.PreKey preKey = Wire.decodePreKey(bytes);
            if (!matches(preKey)) {
                throw new CryptoException(Reason.UNKNOWN_SESSION, "pre-key message for another session");
            }
            normal = preKey.message();
        } else {
            normal = bytes;
        }
        byte[] plain = ratchet.decrypt(normal);
        receivedMessage = true;
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Bytes.zero(plain);
        }
    }

    /** Decrypts the first message of a session created from it; used by the account before keeping the session. */
    String decryptFirst(byte[] normalMessage) throws CryptoException {
        byte[] plain = ratchet.decrypt(normalMessage);
        receivedMessage = true;
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Bytes.zero(plain);
        }
    }

    @Override
    public boolean matchesInbound(String theirIdentityKey, OlmMessage preKeyMessage) {
        if (!preKeyMessage.isPreKey()) {
            return false;
        }
        try {
            Wire.PreKey preKey = Wire.decodePreKey(Bytes.unb64(preKeyMessage.body()));
            return Arrays.equals(preKey.identityKey(), Bytes.key32(theirIdentityKey)) && matches(preKey);
        } catch (CryptoException e) {
            return false;
        }
    }

    private boolean matches(Wire.PreKey preKey) {
        return Arrays.equals(preKey.identityKey(), aliceIdentityKey) && Arrays.equals(preKey.baseKey(), aliceBaseKey)
                && Arrays.equals(preKey.oneTimeKey(), bobOneTimeKey);
    }

    @Override
    public byte[] pickle(byte[] key) {
        Pickle.Writer out = new Pickle.Writer();
        out.bytes(aliceIdentityKey).bytes(aliceBaseKey).bytes(bobOneTimeKey).bytes(theirIdentityKey)
                .bool(receivedMessage);
        ratchet.write(out);
        return out.seal(Pickle.SESSION, key, random);
    }

    static OlmSessionImpl restore(byte[] pickle, byte[] key, SecureRandom random) throws CryptoException {
        try (Pickle.Reader in = Pickle.open(Pickle.SESSION, pickle, key)) {
            byte[] alice = in.bytes();
            byte[] base = in.bytes();
            byte[] otk = in.bytes();
            byte[] theirs = in.bytes();
            boolean received = in.bool();
            return new OlmSessionImpl(random, OlmRatchet.read(in), alice, base, otk, theirs, received);
        }
    }

    @Override
    public String toString() {
        return "OlmSession[id=" + sessionId() + ", their=" + theirIdentityKey() + "]";
    }
}
