package dev.mxrtc.frame;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Secret key bytes: an SFrame {@code base_key} or a LiveKit / Element Call sender key (32 raw bytes). The
 * bytes are copied in and out; {@link #toString()} says only how many there are, {@link #hashCode()} does not
 * depend on them and {@link #equals(Object)} compares in constant time.
 *
 * @param bytes the key bytes (1–256)
 */
public record KeyMaterial(byte[] bytes) {

    public KeyMaterial {
        if (bytes == null || bytes.length == 0 || bytes.length > 256) {
            throw new IllegalArgumentException("key material must be 1–256 bytes");
        }
        bytes = bytes.clone();
    }

    /** Fresh random key material from a {@link SecureRandom}. */
    public static KeyMaterial random(int length) {
        byte[] b = new byte[length];
        new SecureRandom().nextBytes(b);
        try {
            return new KeyMaterial(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    /** A copy of the key bytes; the caller should zero it after use. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Number of key bytes. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyMaterial other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + bytes.length + " bytes]";
    }
}
