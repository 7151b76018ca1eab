package dev.mxrtc.frame;

import java.util.List;

/**
 * An SFrame cipher suite (RFC 9605 §4.5, IANA "SFrame Cipher Suites"). The set is closed: AES-CTR with a
 * truncated HMAC-SHA-256 tag (encrypt-then-MAC, §4.5.1), or AES-GCM.
 */
public sealed interface CipherSuite permits CipherSuite.AesCtrHmac, CipherSuite.AesGcm {

    /** 0x0001, 80-bit tag. */
    CipherSuite AES_128_CTR_HMAC_SHA256_80 = new AesCtrHmac(0x0001, "AES_128_CTR_HMAC_SHA256_80", 10);
    /** 0x0002, 64-bit tag. */
    CipherSuite AES_128_CTR_HMAC_SHA256_64 = new AesCtrHmac(0x0002, "AES_128_CTR_HMAC_SHA256_64", 8);
    /** 0x0003, 32-bit tag. */
    CipherSuite AES_128_CTR_HMAC_SHA256_32 = new AesCtrHmac(0x0003, "AES_128_CTR_HMAC_SHA256_32", 4);
    /** 0x0004. */
    CipherSuite AES_128_GCM_SHA256_128 = new AesGcm(0x0004, "AES_128_GCM_SHA256_128", 16, 32);
    /** 0x0005. */
    CipherSuite AES_256_GCM_SHA512_128 = new AesGcm(0x0005, "AES_256_GCM_SHA512_128", 32, 64);

    /** The IANA identifier, sent in nothing but mixed into the key schedule as a u16. */
    int id();

    /** The IANA name. */
    String name();

    /** Nh: output length of the suite's hash in bytes (HKDF and, for CTR suites, HMAC). */
    int hashLength();

    /** Nk: the AEAD key length in bytes. */
    int keyLength();

    /** Nn: the nonce length in bytes (12 for every defined suite). */
    default int nonceLength() {
        return 12;
    }

    /** Nt: the authentication tag length in bytes. */
    int tagLength();

    /** The JDK {@code Mac} algorithm of the suite's hash. */
    default String macAlgorithm() {
        return hashLength() == 64 ? "HmacSHA512" : "HmacSHA256";
    }

    /** All suites of RFC 9605, by identifier. */
    static List<CipherSuite> all() {
        return List.of(AES_128_CTR_HMAC_SHA256_80, AES_128_CTR_HMAC_SHA256_64, AES_128_CTR_HMAC_SHA256_32,
                AES_128_GCM_SHA256_128, AES_256_GCM_SHA512_128);
    }

    /** The suite with this IANA identifier; {@link IllegalArgumentException} for unknown ones. */
    static CipherSuite byId(int id) {
        for (CipherSuite suite : all()) {
            if (suite.id() == id) {
                return suite;
            }
        }
        throw new IllegalArgumentException("unknown SFrame cipher suite 0x%04x".formatted(id));
    }

    /**
     * AES-128-CTR + HMAC-SHA-256 truncated to {@code tagLength} bytes. Nka = 16, Nh = 32, Nk = 48.
     *
     * @param id        IANA identifier
     * @param name      IANA name
     * @param tagLength Nt in bytes
     */
    record AesCtrHmac(int id, String name, int tagLength) implements CipherSuite {
        public AesCtrHmac {
            if (tagLength < 4 || tagLength > 32) {
                throw new IllegalArgumentException("tag length out of range: " + tagLength);
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name required");
            }
        }

        /** Nka: the AES key length inside the AEAD key. */
        public int aesKeyLength() {
            return 16;
        }

        @Override
        public int hashLength() {
            return 32;
        }

        @Override
        public int keyLength() {
            return aesKeyLength() + hashLength();
        }
    }

    /**
     * AES-GCM with a 128-bit tag.
     *
     * @param id         IANA identifier
     * @param name       IANA name
     * @param keyLength  Nk: 16 (AES-128) or 32 (AES-256)
     * @param hashLength Nh of the KDF hash: 32 (SHA-256) or 64 (SHA-512)
     */
    record AesGcm(int id, String name, int keyLength, int hashLength) implements CipherSuite {
        public AesGcm {
            if (keyLength != 16 && keyLength != 24 && keyLength != 32) {
                throw new IllegalArgumentException("AES key length must be 16, 24 or 32: " + keyLength);
            }
            if (hashLength != 32 && hashLength != 64) {
                throw new IllegalArgumentException("hash length must be 32 or 64: " + hashLength);
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name required");
            }
        }

        @Override
        public int tagLength() {
            return 16;
        }
    }
}
