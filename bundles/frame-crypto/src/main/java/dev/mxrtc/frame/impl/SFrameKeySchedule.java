package dev.mxrtc.frame.impl;

import dev.mxrtc.frame.CipherSuite;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** RFC 9605 §4.4.2 key derivation and the §5.1 sender-key ratchet. */
final class SFrameKeySchedule {

    private static final byte[] KEY_LABEL = "SFrame 1.0 Secret key ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALT_LABEL = "SFrame 1.0 Secret salt ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RATCHET_LABEL = "SFrame 1.0 Ratchet".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    private SFrameKeySchedule() {
    }

    /** {@code sframe_key} and {@code sframe_salt} for one KID. */
    record Derived(byte[] key, byte[] salt) {
        void destroy() {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(salt, (byte) 0);
        }

        @Override
        public String toString() {
            return "Derived[" + key.length + "+" + salt.length + " bytes]";
        }
    }

    /** The label "SFrame 1.0 Secret key " ‖ KID (u64 BE) ‖ suite (u16 BE). */
    static byte[] keyLabel(long kid, CipherSuite suite) {
        return label(KEY_LABEL, kid, suite);
    }

    /** The label "SFrame 1.0 Secret salt " ‖ KID (u64 BE) ‖ suite (u16 BE). */
    static byte[] saltLabel(long kid, CipherSuite suite) {
        return label(SALT_LABEL, kid, suite);
    }

    /** {@code sframe_secret = HKDF-Extract("", base_key)}. */
    static byte[] secret(CipherSuite suite, byte[] baseKey) {
        return Hkdf.extract(suite.macAlgorithm(), EMPTY, baseKey);
    }

    static Derived derive(CipherSuite suite, long kid, byte[] baseKey) {
        byte[] secret = secret(suite, baseKey);
        try {
            String alg = suite.macAlgorithm();
            return new Derived(Hkdf.expand(alg, secret, keyLabel(kid, suite), suite.keyLength()),
                    Hkdf.expand(alg, secret, saltLabel(kid, suite), suite.nonceLength()));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** {@code base_key[i+1] = HKDF-Expand(HKDF-Extract("", base_key[i]), "SFrame 1.0 Ratchet", Nh)}. */
    static byte[] ratchet(CipherSuite suite, byte[] baseKey) {
        byte[] secret = secret(suite, baseKey);
        try {
            return Hkdf.expand(suite.macAlgorithm(), secret, RATCHET_LABEL, suite.hashLength());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** nonce = salt XOR CTR, CTR as an Nn-byte big-endian integer. */
    static void nonce(byte[] salt, long ctr, byte[] out) {
        int n = salt.length;
        System.arraycopy(salt, 0, out, 0, n);
        for (int i = 0; i < 8; i++) {
            out[n - 1 - i] ^= (byte) (ctr >>> (8 * i));
        }
    }

    private static byte[] label(byte[] prefix, long kid, CipherSuite suite) {
        byte[] out = Arrays.copyOf(prefix, prefix.length + 10);
        int p = prefix.length;
        for (int i = 7; i >= 0; i--) {
            out[p + i] = (byte) kid;
            kid >>>= 8;
        }
        out[p + 8] = (byte) (suite.id() >>> 8);
        out[p + 9] = (byte) suite.id();
        return out;
    }
}
