package dev.mxrtc.frame.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;

/**
 * livekit-client's key derivation ({@code src/e2ee/utils.ts}): key material is either HKDF material (32 raw
 * bytes per participant) or PBKDF2 material (a shared password); both use salt "LKFrameEncryptionKey".
 */
final class LiveKitKeys {

    static final byte[] SALT = "LKFrameEncryptionKey".getBytes(StandardCharsets.UTF_8);
    /** HKDF info: 128 zero bytes ({@code new ArrayBuffer(128)}). */
    static final byte[] INFO = new byte[128];
    static final int PBKDF2_ITERATIONS = 100_000;
    /** AES-GCM-128 ({@code keySize: 128}). */
    static final int AES_KEY_BYTES = 16;
    /** Ratchet output ({@code deriveBits(..., 256)}). */
    static final int RATCHET_BYTES = 32;

    private LiveKitKeys() {
    }

    /** Which WebCrypto algorithm the material was imported for. */
    enum Kind { HKDF, PBKDF2 }

    /** Key material as livekit-client holds it: bytes plus the algorithm they feed. */
    record Material(Kind kind, byte[] bytes) {
        Material {
            bytes = bytes.clone();
        }

        void destroy() {
            Arrays.fill(bytes, (byte) 0);
        }

        @Override
        public String toString() {
            return "Material[" + kind + ", " + bytes.length + " bytes]";
        }
    }

    /** {@code deriveKeys}: the AES-GCM-128 frame key. */
    static SecretKeySpec frameKey(Material m) {
        byte[] k = derive(m, AES_KEY_BYTES);
        try {
            return new SecretKeySpec(k, "AES");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** {@code ratchet}: the next material, 256 bits derived from the current one with the same algorithm. */
    static Material ratchet(Material m) {
        byte[] next = derive(m, RATCHET_BYTES);
        try {
            return new Material(m.kind(), next);
        } finally {
            Arrays.fill(next, (byte) 0);
        }
    }

    private static byte[] derive(Material m, int length) {
        return switch (m.kind()) {
            case HKDF -> Hkdf.derive("HmacSHA256", SALT, m.bytes(), INFO, length);
            case PBKDF2 -> Hkdf.pbkdf2("HmacSHA256", m.bytes(), SALT, PBKDF2_ITERATIONS, length);
        };
    }
}
