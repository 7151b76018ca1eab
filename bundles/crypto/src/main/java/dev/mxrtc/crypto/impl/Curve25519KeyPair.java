package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** A Curve25519 key pair on BouncyCastle's RFC 7748 X25519 (raw 32-byte keys, clamped at use as libolm does). */
final class Curve25519KeyPair {
    private final byte[] secret;
    private final byte[] publicKey;

    Curve25519KeyPair(byte[] secret) {
        if (secret.length != 32) {
            throw new IllegalArgumentException("Curve25519 secret must be 32 bytes");
        }
        this.secret = secret.clone();
        this.publicKey = new byte[32];
        X25519.generatePublicKey(this.secret, 0, publicKey, 0);
    }

    static Curve25519KeyPair generate(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            return new Curve25519KeyPair(secret);
        } finally {
            Bytes.zero(secret);
        }
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    String publicKeyBase64() {
        return Bytes.b64(publicKey);
    }

    byte[] secretCopy() {
        return secret.clone();
    }

    /** X25519(our secret, their public); refuses low-order points (an all-zero shared secret). */
    byte[] agree(byte[] theirPublic) throws CryptoException {
        byte[] shared = new byte[32];
        if (!X25519.calculateAgreement(secret, 0, theirPublic, 0, shared, 0)) {
            throw new CryptoException(Reason.BAD_MESSAGE, "low-order Curve25519 public key");
        }
        return shared;
    }

    void destroy() {
        Bytes.zero(secret);
    }

    @Override
    public String toString() {
        return "Curve25519KeyPair[public=" + publicKeyBase64() + "]";
    }
}
