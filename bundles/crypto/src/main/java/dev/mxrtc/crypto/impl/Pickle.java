package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypted-at-rest state: {@code "MXP" ‖ kind(1) ‖ nonce(12) ‖ AES-256-GCM(state)}, the first 4 bytes as AAD so a
 * session pickle cannot be restored as an account. The state inside is written with {@link Writer} and read with
 * {@link Reader}; both are zeroed once sealed or opened.
 */
final class Pickle {
    static final byte ACCOUNT = 1;
    static final byte SESSION = 2;
    static final byte GROUP_SESSION = 3;
    static final byte INBOUND_GROUP_SESSION = 4;

    private static final byte[] MAGIC = {'M', 'X', 'P'};

    private Pickle() {
    }

    /** Collects the plain state. */
    static final class Writer {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(buffer);

        Writer bytes(byte[] value) {
            try {
                out.writeInt(value.length);
                out.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer optionalBytes(byte[] value) {
            bool(value != null);
            return value == null ? this : bytes(value);
        }

        Writer longValue(long value) {
            try {
                out.writeLong(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer bool(boolean value) {
            return longValue(value ? 1 : 0);
        }

        Writer string(String value) {
            return bytes(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        byte[] seal(byte kind, byte[] key, SecureRandom random) {
            byte[] plain = buffer.toByteArray();
            byte[] header = {MAGIC[0], MAGIC[1], MAGIC[2], kind};
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, aesKey(key), new GCMParameterSpec(128, nonce));
                cipher.updateAAD(header);
                return Bytes.concat(header, nonce, cipher.doFinal(plain));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            } finally {
                Bytes.zero(plain);
            }
        }
    }

    /** Reads the plain state back. */
    static final class Reader implements AutoCloseable {
        private final byte[] plain;
        private final DataInputStream in;

        private Reader(byte[] plain) {
            this.plain = plain;
            this.in = new DataInputStream(new ByteArrayInputStream(plain));
        }

        byte[] bytes() throws CryptoException {
            try {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new CryptoException(Reason.BAD_MESSAGE, "corrupt pickle");
                }
                return in.readNBytes(length);
            } catch (IOException e) {
                throw new CryptoException(Reason.BAD_MESSAGE, "corrupt pickle", e);
            }
        }

        byte[] optionalBytes() throws CryptoException {
            return bool() ? bytes() : null;
        }

        long longValue() throws CryptoException {
            try {
                return in.readLong();
            } catch (IOException e) {
                throw new CryptoException(Reason.BAD_MESSAGE, "corrupt pickle", e);
            }
        }

        int intValue(int max) throws CryptoException {
            long value = longValue();
            if (value < 0 || value > max) {
                throw new CryptoException(Reason.BAD_MESSAGE, "corrupt pickle");
            }
            return (int) value;
        }

        boolean bool() throws CryptoException {
            return longValue() != 0;
        }

        String string() throws CryptoException {
            return new String(bytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            Bytes.zero(plain);
        }
    }

    static Reader open(byte kind, byte[] pickle, byte[] key) throws CryptoException {
        if (pickle.length < 4 + 12 + 16 || !Arrays.equals(pickle, 0, 3, MAGIC, 0, 3)) {
            throw new CryptoException(Reason.BAD_MESSAGE, "not an mxrtc pickle");
        }
        if (pickle[3] != kind) {
            throw new CryptoException(Reason.BAD_MESSAGE, "pickle of another kind (" + pickle[3] + ")");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, aesKey(key), new GCMParameterSpec(128, pickle, 4, 12));
            cipher.updateAAD(pickle, 0, 4);
            return new Reader(cipher.doFinal(pickle, 16, pickle.length - 16));
        } catch (AEADBadTagException e) {
            throw new CryptoException(Reason.BAD_PICKLE_KEY, "pickle does not open with this key");
        } catch (GeneralSecurityException e) {
            throw new CryptoException(Reason.BAD_MESSAGE, "pickle does not decrypt", e);
        }
    }

    private static SecretKeySpec aesKey(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("pickle key must be 32 bytes");
        }
        return new SecretKeySpec(key, "AES");
    }
}
