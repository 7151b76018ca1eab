package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/** Unpadded base64 as Matrix uses it, and small byte helpers. */
final class Bytes {
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private Bytes() {
    }

    static String b64(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** Decodes unpadded (or padded) standard base64. */
    static byte[] unb64(String text) throws CryptoException {
        try {
            return DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new CryptoException(Reason.BAD_MESSAGE, "not base64");
        }
    }

    /** A 32-byte key from unpadded base64. */
    static byte[] key32(String text) throws CryptoException {
        byte[] key = unb64(text);
        if (key.length != 32) {
            throw new CryptoException(Reason.BAD_MESSAGE, "key is " + key.length + " bytes, not 32");
        }
        return key;
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }

    static void zero(byte[]... arrays) {
        for (byte[] array : arrays) {
            if (array != null) {
                Arrays.fill(array, (byte) 0);
            }
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
