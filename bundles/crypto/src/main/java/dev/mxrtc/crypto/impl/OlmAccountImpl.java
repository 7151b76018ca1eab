package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.IdentityKeys;
import dev.mxrtc.crypto.InboundSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmMessage;
import dev.mxrtc.crypto.OlmSession;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An Olm account: identity keys, up to {@value #MAX_ONE_TIME_KEYS} one-time keys, the current and previous fallback
 * key. Key ids are the base64 of a 64-bit counter, as vodozemac writes them.
 */
final class OlmAccountImpl implements OlmAccount {
    static final int MAX_ONE_TIME_KEYS = 100;

    private static final class OneTimeKey {
        final long id;
        final Curve25519KeyPair key;
        boolean published;

        OneTimeKey(long id, Curve25519KeyPair key, boolean published) {
            this.id = id;
            this.key = key;
            this.published = published;
        }

        String keyId() {
            return Bytes.b64(ByteBuffer.allocate(8).putLong(id).array());
        }
    }

    private final SecureRandom random;
    private final Curve25519KeyPair identity;
    private final Ed25519KeyPair signing;
    private final LinkedHashMap<Long, OneTimeKey> oneTimeKeys = new LinkedHashMap<>();
    private OneTimeKey fallback;
    private OneTimeKey previousFallback;
    private long nextKeyId;

    private OlmAccountImpl(SecureRandom random, Curve25519KeyPair identity, Ed25519KeyPair signing) {
        this.random = random;
        this.identity = identity;
        this.signing = signing;
    }

    static OlmAccountImpl create(SecureRandom random) {
        return new OlmAccountImpl(random, Curve25519KeyPair.generate(random), Ed25519KeyPair.generate(random));
    }

    @Override
    public IdentityKeys identityKeys() {
        return new IdentityKeys(identity.publicKeyBase64(), signing.publicKeyBase64());
    }

    @Override
    public String sign(byte[] message) {
        return Bytes.b64(signing.sign(message));
    }

    @Override
    public void generateOneTimeKeys(int count) {
        if (count < 0 || count > MAX_ONE_TIME_KEYS) {
            throw new IllegalArgumentException("count must be 0.." + MAX_ONE_TIME_KEYS);
        }
        for (int i = 0; i < count; i++) {
            long id = nextKeyId++;
            oneTimeKeys.put(id, new OneTimeKey(id, Curve25519KeyPair.generate(random), false));
        }
        Iterator<OneTimeKey> oldest = oneTimeKeys.values().iterator();
        while (oneTimeKeys.size() > MAX_ONE_TIME_KEYS) {
            oldest.next().key.destroy();
            oldest.remove();
        }
    }

    @Override
    public Map<String, String> unpublishedOneTimeKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (OneTimeKey key : oneTimeKeys.values()) {
            if (!key.published) {
                keys.put(key.keyId(), key.key.publicKeyBase64());
            }
        }
        return keys;
    }

    @Override
    public void generateFallbackKey() {
        if (previousFallback != null) {
            previousFallback.key.destroy();
        }
        previousFallback = fallback;
        long id = nextKeyId++;
        fallback = new OneTimeKey(id, Curve25519KeyPair.generate(random), false);
    }

    @Override
    public Map<String, String> unpublishedFallbackKey() {
        return fallback == null || fallback.published ? Map.of() : Map.of(fallback.keyId(), fallback.key.publicKeyBase64());
    }

    @Override
    public void markKeysAsPublished() {
        oneTimeKeys.values().forEach(key -> key.published = true);
        if (fallback != null) {
            fallback.published = true;
        }
    }

    @Override
    public int oneTimeKeyCount() {
        return oneTimeKeys.size();
    }

    @Override
    public OlmSession createOutboundSession(String theirIdentityKey, String theirOneTimeKey) throws CryptoException {
        byte[] theirIdentity = Bytes.key32(theirIdentityKey);
        byte[] theirOneTime = Bytes.key32(theirOneTimeKey);
        Curve25519KeyPair baseKey = Curve25519KeyPair.generate(random);
        Curve25519KeyPair ratchetKey = Curve25519KeyPair.generate(random);
        byte[] secret = Bytes.concat(identity.agree(theirOneTime), baseKey.agree(theirIdentity),
                baseKey.agree(theirOneTime));
        try {
            OlmRatchet ratchet = OlmRatchet.asAlice(secret, ratchetKey);
            return new OlmSessionImpl(random, ratchet, identity.publicKey(), baseKey.publicKey(), theirOneTime,
                    theirIdentity, false);
        } finally {
            Bytes.zero(secret);
            baseKey.destroy();
        }
    }

    @Override
    public InboundSession createInboundSession(String theirIdentityKey, OlmMessage preKeyMessage)
            throws CryptoException {
        if (!preKeyMessage.isPreKey()) {
            throw new CryptoException(Reason.BAD_MESSAGE, "not a pre-key message");
        }
        Wire.PreKey preKey = Wire.decodePreKey(Bytes.unb64(preKeyMessage.body()));
        byte[] theirIdentity = Bytes.key32(theirIdentityKey);
        if (!Arrays.equals(theirIdentity, preKey.identityKey())) {
            throw new CryptoException(Reason.WRONG_SENDER, "pre-key message from another identity key");
        }
        OneTimeKey used = findOneTimeKey(preKey.oneTimeKey());
        if (used == null) {
            throw new CryptoException(Reason.UNKNOWN_ONE_TIME_KEY, "no such one-time key (unknown or already used)");
        }
        Wire.Normal first = Wire.decodeNormal(preKey.message());
        byte[] secret = Bytes.concat(used.key.agree(theirIdentity), identity.agree(preKey.baseKey()),
                used.key.agree(preKey.baseKey()));
        OlmSessionImpl session;
        try {
            session = new OlmSessionImpl(random, OlmRatchet.asBob(secret, first.ratchetKey()), theirIdentity,
                    preKey.baseKey(), preKey.oneTimeKey(), theirIdentity, true);
        } finally {
            Bytes.zero(secret);
        }
        String plaintext = session.decryptFirst(preKey.message());
        if (oneTimeKeys.remove(used.id) != null) {
            used.key.destroy();
        }
        return new InboundSession(session, plaintext);
    }

    private OneTimeKey findOneTimeKey(byte[] publicKey) {
        for (OneTimeKey key : oneTimeKeys.values()) {
            if (Arrays.equals(key.key.publicKey(), publicKey)) {
                return key;
            }
        }
        for (OneTimeKey key : new OneTimeKey[] {fallback, previousFallback}) {
            if (key != null && Arrays.equals(key.key.publicKey(), publicKey)) {
                return key;
            }
        }
        return null;
    }

    @Override
    public byte[] pickle(byte[] key) {
        Pickle.Writer out = new Pickle.Writer();
        byte[] identitySecret = identity.secretCopy();
        byte[] seed = signing.seedCopy();
        out.bytes(identitySecret).bytes(seed).longValue(nextKeyId).longValue(oneTimeKeys.size());
        Bytes.zero(identitySecret, seed);
        for (OneTimeKey otk : oneTimeKeys.values()) {
            writeKey(out, otk);
        }
        for (OneTimeKey fb : new OneTimeKey[] {fallback, previousFallback}) {
            out.bool(fb != null);
            if (fb != null) {
                writeKey(out, fb);
            }
        }
        return out.seal(Pickle.ACCOUNT, key, random);
    }

    private static void writeKey(Pickle.Writer out, OneTimeKey key) {
        byte[] secret = key.key.secretCopy();
        out.longValue(key.id).bytes(secret).bool(key.published);
        Bytes.zero(secret);
    }

    private static OneTimeKey readKey(Pickle.Reader in) throws CryptoException {
        long id = in.longValue();
        byte[] secret = in.bytes();
        try {
            return new OneTimeKey(id, new Curve25519KeyPair(secret), in.bool());
        } catch (IllegalArgumentException e) {
            throw new CryptoException(Reason.BAD_MESSAGE, "corrupt account pickle");
        } finally {
            Bytes.zero(secret);
        }
    }

    static OlmAccountImpl restore(byte[] pickle, byte[] key, SecureRandom random) throws CryptoException {
        try (Pickle.Reader in = Pickle.open(Pickle.ACCOUNT, pickle, key)) {
            byte[] identitySecret = in.bytes();
            byte[] seed = in.bytes();
            OlmAccountImpl account;
            try {
                account = new OlmAccountImpl(random, new Curve25519KeyPair(identitySecret), new Ed25519KeyPair(seed));
            } catch (IllegalArgumentException e) {
                throw new CryptoException(Reason.BAD_MESSAGE, "corrupt account pickle");
            } finally {
                Bytes.zero(identitySecret, seed);
            }
            account.nextKeyId = in.longValue();
            int count = in.intValue(MAX_ONE_TIME_KEYS);
            for (int i = 0; i < count; i++) {
                OneTimeKey otk = readKey(in);
                account.oneTimeKeys.put(otk.id, otk);
            }
            account.fallback = in.bool() ? readKey(in) : null;
            account.previousFallback = in.bool() ? readKey(in) : null;
            return account;
        }
    }

    @Override
    public String toString() {
        return "OlmAccount[" + identityKeys() + ", oneTimeKeys=" + oneTimeKeys.size() + "]";
    }
}
