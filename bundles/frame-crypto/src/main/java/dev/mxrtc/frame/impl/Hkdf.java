package dev.mxrtc.frame.impl;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF (RFC 5869) and PBKDF2 (RFC 8018) on the JDK's {@link Mac}: the only KDFs both frame formats need. */
final class Hkdf {

    private Hkdf() {
    }

    /** HKDF-Extract. An empty salt means HashLen zero bytes (RFC 5869 §2.2), which HMAC treats the same. */
    static byte[] extract(String macAlgorithm, byte[] salt, byte[] ikm) {
        Mac mac = mac(macAlgorithm);
        byte[] key = salt.length == 0 ? new byte[mac.getMacLength()] : salt;
        init(mac, key);
        return mac.doFinal(ikm);
    }

    /** HKDF-Expand to {@code length} bytes. */
    static byte[] expand(String macAlgorithm, byte[] prk, byte[] info, int length) {
        Mac mac = mac(macAlgorithm);
        int hashLen = mac.getMacLength();
        if (length > 255 * hashLen) {
            throw new IllegalArgumentException("HKDF-Expand length too large: " + length);
        }
        init(mac, prk);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int pos = 0;
        for (int i = 1; pos < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            byte[] next = mac.doFinal();
            Arrays.fill(t, (byte) 0);
            t = next;
            int n = Math.min(hashLen, length - pos);
            System.arraycopy(t, 0, out, pos, n);
            pos += n;
        }
        Arrays.fill(t, (byte) 0);
        return out;
    }

    /** HKDF-Extract then Expand. */
    static byte[] derive(String macAlgorithm, byte[] salt, byte[] ikm, byte[] info, int length) {
        byte[] prk = extract(macAlgorithm, salt, ikm);
        try {
            return expand(macAlgorithm, prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** PBKDF2 with HMAC (RFC 8018 §5.2), on raw password bytes as WebCrypto takes them. */
    static byte[] pbkdf2(String macAlgorithm, byte[] password, byte[] salt, int iterations, int length) {
        Mac mac = mac(macAlgorithm);
        // HMAC keys may be empty in PBKDF2; SecretKeySpec refuses that, and a one zero byte key is the same HMAC key.
        init(mac, password.length == 0 ? new byte[1] : password);
        int hLen = mac.getMacLength();
        byte[] out = new byte[length];
        byte[] u = new byte[hLen];
        byte[] acc = new byte[hLen];
        for (int block = 1, pos = 0; pos < length; block++) {
            mac.update(salt);
            mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
            doFinal(mac, u);
            System.arraycopy(u, 0, acc, 0, hLen);
            for (int i = 1; i < iterations; i++) {
                mac.update(u);
                doFinal(mac, u);
                for (int j = 0; j < hLen; j++) {
                    acc[j] ^= u[j];
                }
            }
            int n = Math.min(hLen, length - pos);
            System.arraycopy(acc, 0, out, pos, n);
            pos += n;
        }
        Arrays.fill(u, (byte) 0);
        Arrays.fill(acc, (byte) 0);
        return out;
    }

    static Mac mac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + algorithm, e);
        }
    }

    static void init(Mac mac, byte[] key) {
        try {
            mac.init(new SecretKeySpec(key, mac.getAlgorithm()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot key " + mac.getAlgorithm(), e);
        }
    }

    private static void doFinal(Mac mac, byte[] out) {
        try {
            mac.doFinal(out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
