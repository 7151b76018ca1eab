package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Olm/Megolm cipher: {@code AES_KEY(32) ‖ HMAC_KEY(32) ‖ IV(16) = HKDF(0, key, info, 80)}, AES-256-CBC with
 * PKCS#7 padding, HMAC-SHA-256 truncated to 8 bytes. One instance per message key; {@link #close()} zeroes it.
 */
final class AesSha2 implements AutoCloseable {
    static final String OLM_KEYS = "OLM_KEYS";
    static final String MEGOLM_KEYS = "MEGOLM_KEYS";
    static final int MAC_LENGTH = 8;

    private final byte[] material;

    AesSha2(byte[] key, String info) {
        this.material = Kdf.hkdf(null, key, info, 80);
    }

    byte[] encrypt(byte[] plaintext) {
        return run(Cipher.ENCRYPT_MODE, plaintext);
    }

    byte[] decrypt(byte[] ciphertext) throws CryptoException {
        if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
            throw new CryptoException(Reason.BAD_MESSAGE, "ciphertext is not whole AES blocks");
        }
        try {
            return run(Cipher.DECRYPT_MODE, ciphertext);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof BadPaddingException || e.getCause() instanceof IllegalBlockSizeException) {
                throw new CryptoException(Reason.BAD_MESSAGE, "bad padding");
            }
            throw e;
        }
    }

    /** The truncated MAC over {@code data[0, length)}. */
    byte[] mac(byte[] data, int length) {
        byte[] macKey = Arrays.copyOfRange(material, 32, 64);
        try {
            byte[] full = Kdf.hmac(macKey, Arrays.copyOf(data, length));
            return Arrays.copyOf(full, MAC_LENGTH);
        } finally {
            Bytes.zero(macKey);
        }
    }

    /** Checks the 8 bytes at {@code data[length, length + 8)} against the MAC over {@code data[0, length)}. */
    void verifyMac(byte[] data, int length) throws CryptoException {
        byte[] expected = mac(data, length);
        byte[] actual = Arrays.copyOfRange(data, length, length + MAC_LENGTH);
        if (!Bytes.constantTimeEquals(expected, actual)) {
            throw new CryptoException(Reason.BAD_MAC, "MAC does not verify");
        }
    }

    private byte[] run(int mode, byte[] input) {
        byte[] aesKey = Arrays.copyOfRange(material, 0, 32);
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(material, 64, 16));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC failed", e);
        } finally {
            Bytes.zero(aesKey);
        }
    }

    @Override
    public void close() {
        Bytes.zero(material);
    }
}
