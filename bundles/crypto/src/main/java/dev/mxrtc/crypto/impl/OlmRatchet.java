package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The Olm double ratchet (libolm {@code ratchet.cpp}, vodozemac {@code double_ratchet}).
 *
 * <pre>
 *  R0 ‖ C0,0 = HKDF(0, S, "OLM_ROOT")            (S from the 3DH)
 *  Ri ‖ Ci,0 = HKDF(Ri-1, DH(Ti-1, Ti), "OLM_RATCHET")   on every new ratchet key
 *  Ci,j+1 = HMAC(Ci,j, 0x02)    message key Mi,j = HMAC(Ci,j, 0x01)
 *
 *        encrypt (no sender chain) ─► new ratchet key Ti, sender chain from the newest receiver chain
 *        decrypt (unknown ratchet key) ─► new receiver chain from our sender ratchet key; sender chain dropped
 * </pre>
 *
 * At most 5 receiver chains and 40 skipped message keys are kept, and a message may skip at most 2000 keys, as
 * libolm. A decryption changes nothing unless the MAC verifies.
 */
final class OlmRatchet {
    static final int MAX_RECEIVER_CHAINS = 5;
    static final int MAX_SKIPPED_KEYS = 40;
    static final int MAX_MESSAGE_GAP = 2000;
    private static final byte[] MESSAGE_KEY_SEED = {0x01};
    private static final byte[] CHAIN_KEY_SEED = {0x02};

    private record ChainKey(byte[] key, long index) {
        ChainKey next() {
            return new ChainKey(Kdf.hmac(key, CHAIN_KEY_SEED), index + 1);
        }

        byte[] messageKey() {
            return Kdf.hmac(key, MESSAGE_KEY_SEED);
        }
    }

    private static final class SenderChain {
        final Curve25519KeyPair ratchetKey;
        ChainKey chainKey;

        SenderChain(Curve25519KeyPair ratchetKey, ChainKey chainKey) {
            this.ratchetKey = ratchetKey;
            this.chainKey = chainKey;
        }
    }

    private static final class ReceiverChain {
        final byte[] ratchetKey;
        ChainKey chainKey;

        ReceiverChain(byte[] ratchetKey, ChainKey chainKey) {
            this.ratchetKey = ratchetKey;
            this.chainKey = chainKey;
        }
    }

    private record SkippedKey(byte[] ratchetKey, long index, byte[] messageKey) {
    }

    private byte[] rootKey;
    private SenderChain sender;
    private final ArrayDeque<ReceiverChain> receivers = new ArrayDeque<>(); // newest first
    private final ArrayDeque<SkippedKey> skipped = new ArrayDeque<>(); // newest first

    private OlmRatchet() {
    }

    /** Alice: the session creator sends first, on her initial ratchet key. */
    static OlmRatchet asAlice(byte[] sharedSecret, Curve25519KeyPair ratchetKey) {
        OlmRatchet ratchet = new OlmRatchet();
        byte[] derived = Kdf.hkdf(null, sharedSecret, "OLM_ROOT", 64);
        ratchet.rootKey = Arrays.copyOfRange(derived, 0, 32);
        ratchet.sender = new SenderChain(ratchetKey, new ChainKey(Arrays.copyOfRange(derived, 32, 64), 0));
        Bytes.zero(derived);
        return ratchet;
    }

    /** Bob: receives on Alice's initial ratchet key. */
    static OlmRatchet asBob(byte[] sharedSecret, byte[] theirRatchetKey) {
        OlmRatchet ratchet = new OlmRatchet();
        byte[] derived = Kdf.hkdf(null, sharedSecret, "OLM_ROOT", 64);
        ratchet.rootKey = Arrays.copyOfRange(derived, 0, 32);
        ratchet.receivers.addFirst(new ReceiverChain(theirRatchetKey.clone(),
                new ChainKey(Arrays.copyOfRange(derived, 32, 64), 0)));
        Bytes.zero(derived);
        return ratchet;
    }

    /** Encrypts into an encoded normal message (with MAC). */
    byte[] encrypt(byte[] plaintext, SecureRandom random) {
        if (sender == null) {
            Curve25519KeyPair ratchetKey = Curve25519KeyPair.generate(random);
            byte[] dh;
            try {
                dh = ratchetKey.agree(receivers.getFirst().ratchetKey);
            } catch (CryptoException e) {
                throw new IllegalStateException("stored ratchet key is invalid", e);
            }
            byte[] derived = Kdf.hkdf(rootKey, dh, "OLM_RATCHET", 64);
            Bytes.zero(rootKey, dh);
            rootKey = Arrays.copyOfRange(derived, 0, 32);
            sender = new SenderChain(ratchetKey, new ChainKey(Arrays.copyOfRange(derived, 32, 64), 0));
            Bytes.zero(derived);
        }
        ChainKey current = sender.chainKey;
        byte[] messageKey = current.messageKey();
        sender.chainKey = current.next();
        Bytes.zero(current.key());
        try (AesSha2 cipher = new AesSha2(messageKey, AesSha2.OLM_KEYS)) {
            byte[] message = Wire.encodeNormal(sender.ratchetKey.publicKey(), current.index(), cipher.encrypt(plaintext));
            int macAt = message.length - AesSha2.MAC_LENGTH;
            System.arraycopy(cipher.mac(message, macAt), 0, message, macAt, AesSha2.MAC_LENGTH);
            return message;
        } finally {
            Bytes.zero(messageKey);
        }
    }

    /** Decrypts an encoded normal message; state changes only if it verifies. */
    byte[] decrypt(byte[] message) throws CryptoException {
        Wire.Normal normal = Wire.decodeNormal(message);
        ReceiverChain chain = null;
        for (ReceiverChain candidate : receivers) {
            if (Arrays.equals(candidate.ratchetKey, normal.ratchetKey())) {
                chain = candidate;
                break;
            }
        }
        if (chain == null) {
            return decryptOnNewChain(message, normal);
        }
        if (normal.counter() < chain.chainKey.index()) {
            return decryptSkipped(message, normal);
        }
        if (normal.counter() - chain.chainKey.index() > MAX_MESSAGE_GAP) {
            throw new CryptoException(Reason.TOO_FAR_AHEAD, "message skips too many keys");
        }
        ArrayDeque<SkippedKey> newSkipped = new ArrayDeque<>();
        ChainKey advanced = advance(chain.chainKey, normal, newSkipped);
        byte[] plaintext = decryptWith(advanced, message, normal, newSkipped);
        chain.chainKey = advanced.next();
        commitSkipped(newSkipped);
        return plaintext;
    }

    private byte[] decryptOnNewChain(byte[] message, Wire.Normal normal) throws CryptoException {
        if (sender == null) {
            throw new CryptoException(Reason.UNKNOWN_SESSION, "unknown ratchet key and nothing to ratchet from");
        }
        if (normal.counter() > MAX_MESSAGE_GAP) {
            throw new CryptoException(Reason.TOO_FAR_AHEAD, "message skips too many keys");
        }
        byte[] dh = sender.ratchetKey.agree(normal.ratchetKey());
        byte[] derived = Kdf.hkdf(rootKey, dh, "OLM_RATCHET", 64);
        Bytes.zero(dh);
        ChainKey start = new ChainKey(Arrays.copyOfRange(derived, 32, 64), 0);
        byte[] newRoot = Arrays.copyOfRange(derived, 0, 32);
        Bytes.zero(derived);
        ArrayDeque<SkippedKey> newSkipped = new ArrayDeque<>();
        ChainKey advanced = advance(start, normal, newSkipped);
        byte[] plaintext;
        try {
            plaintext = decryptWith(advanced, message, normal, newSkipped);
        } catch (CryptoException e) {
            Bytes.zero(newRoot);
            throw e;
        }
        Bytes.zero(rootKey);
        rootKey = newRoot;
        receivers.addFirst(new ReceiverChain(normal.ratchetKey(), advanced.next()));
        while (receivers.size() > MAX_RECEIVER_CHAINS) {
            Bytes.zero(receivers.removeLast().chainKey.key());
        }
        sender.ratchetKey.destroy();
        Bytes.zero(sender.chainKey.key());
        sender = null;
        commitSkipped(newSkipped);
        return plaintext;
    }

    private byte[] decryptSkipped(byte[] message, Wire.Normal normal) throws CryptoException {
        Iterator<SkippedKey> it = skipped.iterator();
        while (it.hasNext()) {
            SkippedKey key = it.next();
            if (key.index() == normal.counter() && Arrays.equals(key.ratchetKey(), normal.ratchetKey())) {
                byte[] plaintext = decryptWithKey(key.messageKey(), message, normal);
                it.remove();
                Bytes.zero(key.messageKey());
                return plaintext;
            }
        }
        throw new CryptoException(Reason.REPLAY, "message key " + normal.counter() + " already used or dropped");
    }

    /** Advances a copy of {@code from} to the message's counter, collecting the keys skipped on the way. */
    private static ChainKey advance(ChainKey from, Wire.Normal normal, ArrayDeque<SkippedKey> skippedOut) {
        ChainKey key = from;
        while (key.index() < normal.counter()) {
            skippedOut.addFirst(new SkippedKey(normal.ratchetKey(), key.index(), key.messageKey()));
            while (skippedOut.size() > MAX_SKIPPED_KEYS) {
                Bytes.zero(skippedOut.removeLast().messageKey());
            }
            key = key.next();
        }
        return key;
    }

    private static byte[] decryptWith(ChainKey key, byte[] message, Wire.Normal normal,
                                      ArrayDeque<SkippedKey> pendingSkipped) throws CryptoException {
        byte[] messageKey = key.messageKey();
        try {
            return decryptWithKey(messageKey, message, normal);
        } catch (CryptoException e) {
            pendingSkipped.forEach(s -> Bytes.zero(s.messageKey()));
            throw e;
        } finally {
            Bytes.zero(messageKey);
        }
    }

    private static byte[] decryptWithKey(byte[] messageKey, byte[] message, Wire.Normal normal)
            throws CryptoException {
        try (AesSha2 cipher = new AesSha2(messageKey, AesSha2.OLM_KEYS)) {
            cipher.verifyMac(message, message.length - AesSha2.MAC_LENGTH);
            return cipher.decrypt(normal.ciphertext());
        }
    }

    private void commitSkipped(ArrayDeque<SkippedKey> newSkipped) {
        while (!newSkipped.isEmpty()) {
            skipped.addFirst(newSkipped.removeLast());
        }
        while (skipped.size() > MAX_SKIPPED_KEYS) {
            Bytes.zero(skipped.removeLast().messageKey());
        }
    }

    void write(Pickle.Writer out) {
        out.bytes(rootKey);
        out.bool(sender != null);
        if (sender != null) {
            byte[] secret = sender.ratchetKey.secretCopy();
            out.bytes(secret).bytes(sender.chainKey.key()).longValue(sender.chainKey.index());
            Bytes.zero(secret);
        }
        out.longValue(receivers.size());
        for (ReceiverChain chain : receivers) {
            out.bytes(chain.ratchetKey).bytes(chain.chainKey.key()).longValue(chain.chainKey.index());
        }
        out.longValue(skipped.size());
        for (SkippedKey key : skipped) {
            out.bytes(key.ratchetKey()).longValue(key.index()).bytes(key.messageKey());
        }
    }

    static OlmRatchet read(Pickle.Reader in) throws CryptoException {
        OlmRatchet ratchet = new OlmRatchet();
        ratchet.rootKey = in.bytes();
        if (in.bool()) {
            byte[] secret = in.bytes();
            ratchet.sender = new SenderChain(new Curve25519KeyPair(secret), new ChainKey(in.bytes(), in.longValue()));
            Bytes.zero(secret);
        }
        int chains = in.intValue(MAX_RECEIVER_CHAINS);
        for (int i = 0; i < chains; i++) {
            ratchet.receivers.addLast(new ReceiverChain(in.bytes(), new ChainKey(in.bytes(), in.longValue())));
        }
        int keys = in.intValue(MAX_SKIPPED_KEYS);
        for (int i = 0; i < keys; i++) {
            ratchet.skipped.addLast(new SkippedKey(in.bytes(), in.longValue(), in.bytes()));
        }
        if (ratchet.sender == null && ratchet.receivers.isEmpty()) {
            throw new CryptoException(Reason.BAD_MESSAGE, "corrupt ratchet pickle");
        }
        return ratchet;
    }
}
