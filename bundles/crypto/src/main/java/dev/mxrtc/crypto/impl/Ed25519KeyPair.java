package dev.mxrtc.crypto.impl;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 key pair on BouncyCastle's RFC 8032 implementation (32-byte seed, 32-byte public key). */
final class Ed25519KeyPair {
    static final int SIGNATURE_LENGTH = 64;

    private final byte[] seed;
    private final byte[] publicKey;

    Ed25519KeyPair(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
        }
        this.seed = seed.clone();
        this.publicKey = new byte[32];
        Ed25519.generatePublicKey(this.seed, 0, publicKey, 0);
    }

    static Ed25519KeyPair generate(SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        try {
            return new Ed25519KeyPair(seed);
        } finally {
            Bytes.zero(seed);
        }
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    String publicKeyBase64() {
        return Bytes.b64(publicKey);
    }

    byte[] seedCopy() {
        return seed.clone();
    }

    byte[] sign(byte[] message, int length) {
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, message, 0, length, signature, 0);
        return signature;
    }

    byte[] sign(byte[] message) {
        return sign(message, message.length);
    }

    static boolean verify(byte[] publicKey, byte[] message, int length, byte[] signature, int signatureOffset) {
        if (publicKey.length != 32 || signature.length - signatureOffset < SIGNATURE_LENGTH) {
            return false;
        }
        try {
            return Ed25519.verify(signature, signatureOffset, publicKey, 0, message, 0, length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    void destroy() {
        java.util.Arrays.fill(seed, (byte) 0);
    }

    @Override
    public String toString() {
        return "Ed25519KeyPair[public=" + publicKeyBase64() + "]";
    }
}
