package dev.mxrtc.crypto.impl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256 and HKDF-SHA-256 (RFC 5869) on the JDK's {@link Mac}. */
final class Kdf {
    private static final byte[] ZERO_SALT = new byte[32];

    private Kdf() {
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** HKDF with {@code salt} (null or empty means HashLen zero bytes, as the RFC and libolm do). */
    static byte[] hkdf(byte[] salt, byte[] ikm, String info, int length) {
        byte[] prk = hmac(salt == null || salt.length == 0 ? ZERO_SALT : salt, ikm);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] infoBytes = info.getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            int offset = 0;
            for (int counter = 1; offset < length; counter++) {
                mac.update(block);
                mac.update(infoBytes);
                mac.update((byte) counter);
                Bytes.zero(block);
                block = mac.doFinal();
                int n = Math.min(block.length, length - offset);
                System.arraycopy(block, 0, out, offset, n);
                offset += n;
            }
            Bytes.zero(block);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Bytes.zero(prk);
        }
    }
}
