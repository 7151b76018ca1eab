package dev.mxrtc.frame.impl;

import dev.mxrtc.frame.CipherSuite;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEAD of an SFrame suite (RFC 9605 §4.5), working in place on caller buffers so a frame is copied once.
 * AAD is always {@code header ‖ metadata}, passed as two pieces. One instance holds one JDK {@link Cipher};
 * not thread-safe (the owning context's lock guards it).
 */
sealed interface SFrameAead permits SFrameAead.Gcm, SFrameAead.CtrHmac {

    /** A prepared AEAD key: the AES key and, for CTR suites, a keyed HMAC. */
    sealed interface Key permits GcmKey, CtrHmacKey {
        /** Zeroes what can be zeroed (the HMAC key inside a {@link Mac} cannot). */
        void destroy();
    }

    /** Prepares {@code sframe_key} (Nk bytes) for this suite. */
    Key prepare(byte[] sframeKey);

    /**
     * Encrypts {@code pt[ptOff, ptOff+ptLen)} into {@code out} at {@code outOff}, ciphertext then tag.
     *
     * @return bytes written (ptLen + Nt)
     */
    int seal(Key key, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
             byte[] pt, int ptOff, int ptLen, byte[] out, int outOff);

    /** Decrypts {@code ct[ctOff, ctOff+ctLen)} (ciphertext ‖ tag); null if the tag does not verify. */
    byte[] open(Key key, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
                byte[] ct, int ctOff, int ctLen);

    static SFrameAead of(CipherSuite suite) {
        return switch (suite) {
            case CipherSuite.AesGcm gcm -> new Gcm(gcm);
            case CipherSuite.AesCtrHmac ctr -> new CtrHmac(ctr);
        };
    }

    private static Cipher cipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + transformation, e);
        }
    }

    record GcmKey(SecretKeySpec aes) implements Key {
        @Override
        public void destroy() {
            // SecretKeySpec keeps its own copy and cannot be zeroed through the API before JDK 26.
        }
    }

    record CtrHmacKey(SecretKeySpec aes, Mac mac) implements Key {
        @Override
        public void destroy() {
            mac.reset();
        }
    }

    /** AES-GCM with a 128-bit tag. */
    final class Gcm implements SFrameAead {
        private final CipherSuite.AesGcm suite;
        private final Cipher cipher = cipher("AES/GCM/NoPadding");

        Gcm(CipherSuite.AesGcm suite) {
            this.suite = suite;
        }

        @Override
        public Key prepare(byte[] sframeKey) {
            if (sframeKey.length != suite.keyLength()) {
                throw new IllegalArgumentException("GCM key must be " + suite.keyLength() + " bytes");
            }
            return new GcmKey(new SecretKeySpec(sframeKey, "AES"));
        }

        @Override
        public int seal(Key key, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
                        byte[] pt, int ptOff, int ptLen, byte[] out, int outOff) {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, ((GcmKey) key).aes(), new GCMParameterSpec(128, nonce));
                cipher.updateAAD(header, 0, headerLen);
                if (metadata.length > 0) {
                    cipher.updateAAD(metadata);
                }
                return cipher.doFinal(pt, ptOff, ptLen, out, outOff);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM encryption failed", e);
            }
        }

        @Override
        public byte[] open(Key key, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
                           byte[] ct, int ctOff, int ctLen) {
            try {
                cipher.init(Cipher.DECRYPT_MODE, ((GcmKey) key).aes(), new GCMParameterSpec(128, nonce));
                cipher.updateAAD(header, 0, headerLen);
                if (metadata.length > 0) {
                    cipher.updateAAD(metadata);
                }
                return cipher.doFinal(ct, ctOff, ctLen);
            } catch (AEADBadTagException e) {
                return null;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM decryption failed", e);
            }
        }
    }

    /** AES-CTR then HMAC-SHA-256 truncated to Nt, exactly as §4.5.1. */
    final class CtrHmac implements SFrameAead {
        private final CipherSuite.AesCtrHmac suite;
        private final Cipher cipher = cipher("AES/CTR/NoPadding");
        private final byte[] counterBlock = new byte[16];
        private final byte[] lengths = new byte[24];

        CtrHmac(CipherSuite.AesCtrHmac suite) {
            this.suite = suite;
        }

        @Override
        public Key prepare(byte[] sframeKey) {
            if (sframeKey.length != suite.keyLength()) {
                throw new IllegalArgumentException("CTR-HMAC key must be " + suite.keyLength() + " bytes");
            }
            int nka = suite.aesKeyLength();
            byte[] auth = Arrays.copyOfRange(sframeKey, nka, sframeKey.length);
            Mac mac = Hkdf.mac("HmacSHA256");
            Hkdf.init(mac, auth);
            Arrays.fill(auth, (byte) 0);
            return new CtrHmacKey(new SecretKeySpec(sframeKey, 0, nka, "AES"), mac);
        }

        @Override
        public int seal(Key key, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
                        byte[] pt, int ptOff, int ptLen, byte[] out, int outOff) {
            CtrHmacKey k = (CtrHmacKey) key;
            try {
                ctr(Cipher.ENCRYPT_MODE, k, nonce);
                int n = cipher.doFinal(pt, ptOff, ptLen, out, outOff);
                byte[] tag = tag(k, nonce, header, headerLen, metadata, out, outOff, n);
                System.arraycopy(tag, 0, out, outOff + n, suite.tagLength());
                return n + suite.tagLength();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CTR encryption failed", e);
            }
        }

        @Override
        public byte[] open(Key key, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
                           byte[] ct, int ctOff, int ctLen) {
            int nt = suite.tagLength();
            if (ctLen < nt) {
                return null;
            }
            CtrHmacKey k = (CtrHmacKey) key;
            int inner = ctLen - nt;
            byte[] tag = tag(k, nonce, header, headerLen, metadata, ct, ctOff, inner);
            // constant time over the Nt bytes that count
            if (!MessageDigest.isEqual(Arrays.copyOf(tag, nt), Arrays.copyOfRange(ct, ctOff + inner, ctOff + ctLen))) {
                return null;
            }
            try {
                ctr(Cipher.DECRYPT_MODE, k, nonce);
                return cipher.doFinal(ct, ctOff, inner);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CTR decryption failed", e);
            }
        }

        private void ctr(int mode, CtrHmacKey k, byte[] nonce) throws GeneralSecurityException {
            // initial_counter = nonce ‖ 0x00000000
            System.arraycopy(nonce, 0, counterBlock, 0, 12);
            cipher.init(mode, k.aes(), new IvParameterSpec(counterBlock));
        }

        private byte[] tag(CtrHmacKey k, byte[] nonce, byte[] header, int headerLen, byte[] metadata,
                           byte[] ct, int ctOff, int ctLen) {
            // auth_data = len(aad) u64 ‖ len(ct) u64 ‖ Nt u64 ‖ nonce ‖ aad ‖ ct
            putLong(lengths, 0, (long) headerLen + metadata.length);
            putLong(lengths, 8, ctLen);
            putLong(lengths, 16, suite.tagLength());
            Mac mac = k.mac();
            mac.update(lengths);
            mac.update(nonce);
            mac.update(header, 0, headerLen);
            mac.update(metadata);
            mac.update(ct, ctOff, ctLen);
            return mac.doFinal();
        }

        private static void putLong(byte[] b, int off, long v) {
            for (int i = 7; i >= 0; i--) {
                b[off + i] = (byte) v;
                v >>>= 8;
            }
        }
    }
}
