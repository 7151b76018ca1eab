package dev.mxrtc.crypto.impl;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The libolm message encodings: a version byte (0x03) then protobuf-style fields (varint tags, varint or
 * length-prefixed values), unknown fields skipped.
 *
 * <pre>
 * normal  : 03 | 0A ratchet_key | 10 counter | 22 ciphertext | MAC(8)
 * pre-key : 03 | 0A one_time_key | 12 base_key | 1A identity_key | 22 normal message
 * megolm  : 03 | 08 message_index | 12 ciphertext | MAC(8) | Ed25519 signature(64)
 * </pre>
 */
final class Wire {
    static final byte VERSION = 0x03;

    private Wire() {
    }

    record Normal(byte[] ratchetKey, long counter, byte[] ciphertext) {
    }

    record PreKey(byte[] oneTimeKey, byte[] baseKey, byte[] identityKey, byte[] message) {
    }

    record Megolm(long index, byte[] ciphertext) {
    }

    /** Encodes a normal message with room for the MAC at the end (filled by the caller). */
    static byte[] encodeNormal(byte[] ratchetKey, long counter, byte[] ciphertext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ciphertext.length + 64);
        out.write(VERSION);
        bytesField(out, 0x0A, ratchetKey);
        varintField(out, 0x10, counter);
        bytesField(out, 0x22, ciphertext);
        out.writeBytes(new byte[AesSha2.MAC_LENGTH]);
        return out.toByteArray();
    }

    static byte[] encodePreKey(byte[] oneTimeKey, byte[] baseKey, byte[] identityKey, byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 128);
        out.write(VERSION);
        bytesField(out, 0x0A, oneTimeKey);
        bytesField(out, 0x12, baseKey);
        bytesField(out, 0x1A, identityKey);
        bytesField(out, 0x22, message);
        return out.toByteArray();
    }

    /** Encodes a Megolm message with room for MAC and signature (filled by the caller). */
    static byte[] encodeMegolm(long index, byte[] ciphertext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ciphertext.length + 96);
        out.write(VERSION);
        varintField(out, 0x08, index);
        bytesField(out, 0x12, ciphertext);
        out.writeBytes(new byte[AesSha2.MAC_LENGTH + Ed25519KeyPair.SIGNATURE_LENGTH]);
        return out.toByteArray();
    }

    static Normal decodeNormal(byte[] message) throws CryptoException {
        Fields fields = parse(message, AesSha2.MAC_LENGTH);
        if (fields.bytes[1] == null || fields.varints[2] < 0 || fields.bytes[4] == null) {
            throw new CryptoException(Reason.BAD_MESSAGE, "Olm message lacks a field");
        }
        return new Normal(key(fields.bytes[1]), fields.varints[2], fields.bytes[4]);
    }

    static PreKey decodePreKey(byte[] message) throws CryptoException {
        Fields fields = parse(message, 0);
        if (fields.bytes[1] == null || fields.bytes[2] == null || fields.bytes[3] == null || fields.bytes[4] == null) {
            throw new CryptoException(Reason.BAD_MESSAGE, "Olm pre-key message lacks a field");
        }
        return new PreKey(key(fields.bytes[1]), key(fields.bytes[2]), key(fields.bytes[3]), fields.bytes[4]);
    }

    static Megolm decodeMegolm(byte[] message) throws CryptoException {
        Fields fields = parse(message, AesSha2.MAC_LENGTH + Ed25519KeyPair.SIGNATURE_LENGTH);
        if (fields.varints[1] < 0 || fields.bytes[2] == null) {
            throw new CryptoException(Reason.BAD_MESSAGE, "Megolm message lacks a field");
        }
        if (fields.varints[1] > 0xFFFF_FFFFL) {
            throw new CryptoException(Reason.BAD_MESSAGE, "Megolm index out of range");
        }
        return new Megolm(fields.varints[1], fields.bytes[2]);
    }

    private static byte[] key(byte[] key) throws CryptoException {
        if (key.length != 32) {
            throw new CryptoException(Reason.BAD_MESSAGE, "key field is not 32 bytes");
        }
        return key;
    }

    /** Fields 1..4 by number (later occurrences win, as in libolm); other fields skipped. */
    private static final class Fields {
        final byte[][] bytes = new byte[5][];
        final long[] varints = {-1, -1, -1, -1, -1};
    }

    private static Fields parse(byte[] message, int trailer) throws CryptoException {
        if (message.length < 1 + trailer) {
            throw new CryptoException(Reason.BAD_MESSAGE, "message too short");
        }
        if (message[0] != VERSION) {
            throw new CryptoException(Reason.UNSUPPORTED, "message version " + (message[0] & 0xFF));
        }
        Fields fields = new Fields();
        int end = message.length - trailer;
        int[] pos = {1};
        while (pos[0] < end) {
            long tag = readVarint(message, pos, end);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> {
                    long value = readVarint(message, pos, end);
                    if (field >= 1 && field <= 4) {
                        fields.varints[field] = value;
                    }
                }
                case 2 -> {
                    long length = readVarint(message, pos, end);
                    if (length > end - pos[0]) {
                        throw new CryptoException(Reason.BAD_MESSAGE, "field runs past the end");
                    }
                    if (field >= 1 && field <= 4) {
                        fields.bytes[field] = Arrays.copyOfRange(message, pos[0], pos[0] + (int) length);
                    }
                    pos[0] += (int) length;
                }
                default -> throw new CryptoException(Reason.BAD_MESSAGE, "unknown wire type " + wireType);
            }
        }
        return fields;
    }

    private static long readVarint(byte[] data, int[] pos, int end) throws CryptoException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= end) {
                throw new CryptoException(Reason.BAD_MESSAGE, "truncated varint");
            }
            int b = data[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new CryptoException(Reason.BAD_MESSAGE, "varint too large");
                }
                return value;
            }
        }
        throw new CryptoException(Reason.BAD_MESSAGE, "varint too long");
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void varintField(ByteArrayOutputStream out, int tag, long value) {
        out.write(tag);
        writeVarint(out, value);
    }

    private static void bytesField(ByteArrayOutputStream out, int tag, byte[] value) {
        out.write(tag);
        writeVarint(out, value.length);
        out.writeBytes(value);
    }
}
