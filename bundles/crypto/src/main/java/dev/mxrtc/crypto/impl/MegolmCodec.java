package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Megolm message encryption and the session key formats.
 *
 * <pre>
 * session key (m.room_key): 02 | index u32 BE | R0..R3 (128) | Ed25519 public (32) | signature (64)  = 229 bytes
 * export                  : 01 | index u32 BE | R0..R3 (128) | Ed25519 public (32)                    = 165 bytes
 * </pre>
 */
final class MegolmCodec {
    static final int SESSION_KEY_LENGTH = 229;
    static final int EXPORT_LENGTH = 165;

    private MegolmCodec() {
    }

    record SessionKey(long index, byte[] ratchet, byte[] publicKey, boolean signed) {
    }

    static byte[] encodeSessionKey(MegolmRatchet ratchet, Ed25519KeyPair signing) {
        byte[] unsigned = body((byte) 0x02, ratchet, signing.publicKey());
        return Bytes.concat(unsigned, signing.sign(unsigned));
    }

    static byte[] encodeExport(MegolmRatchet ratchet, byte[] publicKey) {
        return body((byte) 0x01, ratchet, publicKey);
    }

    private static byte[] body(byte version, MegolmRatchet ratchet, byte[] publicKey) {
        byte[] data = ratchet.data();
        try {
            return ByteBuffer.allocate(EXPORT_LENGTH).put(version).putInt((int) ratchet.counter()).put(data)
                    .put(publicKey).array();
        } finally {
            Bytes.zero(data);
        }
    }

    static SessionKey decodeSessionKey(byte[] bytes) throws CryptoException {
        if (bytes.length != SESSION_KEY_LENGTH || bytes[0] != 0x02) {
            throw new CryptoException(Reason.BAD_MESSAGE, "not a Megolm session key");
        }
        byte[] publicKey = Arrays.copyOfRange(bytes, 133, 165);
        if (!Ed25519KeyPair.verify(publicKey, bytes, EXPORT_LENGTH, bytes, EXPORT_LENGTH)) {
            throw new CryptoException(Reason.BAD_MAC, "session key signature does not verify");
        }
        return decodeBody(bytes, true);
    }

    static SessionKey decodeExport(byte[] bytes) throws CryptoException {
        if (bytes.length != EXPORT_LENGTH || bytes[0] != 0x01) {
            throw new CryptoException(Reason.BAD_MESSAGE, "not an exported Megolm session");
        }
        return decodeBody(bytes, false);
    }

    private static SessionKey decodeBody(byte[] bytes, boolean signed) {
        long index = ByteBuffer.wrap(bytes, 1, 4).getInt() & 0xFFFF_FFFFL;
        return new SessionKey(index, Arrays.copyOfRange(bytes, 5, 133), Arrays.copyOfRange(bytes, 133, 165), signed);
    }

    /** Encrypts at the ratchet's current index; the caller advances the ratchet. */
    static byte[] encrypt(MegolmRatchet ratchet, Ed25519KeyPair signing, byte[] plaintext) {
        byte[] keyMaterial = ratchet.data();
        try (AesSha2 cipher = new AesSha2(keyMaterial, AesSha2.MEGOLM_KEYS)) {
            byte[] message = Wire.encodeMegolm(ratchet.counter(), cipher.encrypt(plaintext));
            int macAt = message.length - AesSha2.MAC_LENGTH - Ed25519KeyPair.SIGNATURE_LENGTH;
            System.arraycopy(cipher.mac(message, macAt), 0, message, macAt, AesSha2.MAC_LENGTH);
            int signatureAt = macAt + AesSha2.MAC_LENGTH;
            System.arraycopy(signing.sign(message, signatureAt), 0, message, signatureAt,
                    Ed25519KeyPair.SIGNATURE_LENGTH);
            return message;
        } finally {
            Bytes.zero(keyMaterial);
        }
    }

    /** Checks the signature, then the MAC with {@code ratchet} (already at the message's index), then decrypts. */
    static byte[] decrypt(byte[] message, Wire.Megolm parsed, MegolmRatchet ratchet, byte[] publicKey)
            throws CryptoException {
        int signatureAt = message.length - Ed25519KeyPair.SIGNATURE_LENGTH;
        if (!Ed25519KeyPair.verify(publicKey, message, signatureAt, message, signatureAt)) {
            throw new CryptoException(Reason.BAD_MAC, "Megolm signature does not verify");
        }
        if (ratchet.counter() != parsed.index()) {
            throw new IllegalStateException("ratchet not at the message index");
        }
        byte[] keyMaterial = ratchet.data();
        try (AesSha2 cipher = new AesSha2(keyMaterial, AesSha2.MEGOLM_KEYS)) {
            cipher.verifyMac(message, signatureAt - AesSha2.MAC_LENGTH);
            return cipher.decrypt(parsed.ciphertext());
        } finally {
            Bytes.zero(keyMaterial);
        }
    }
}
