package dev.mxrtc.frame;

/**
 * The SFrame header (RFC 9605 §4.3): a config byte {@code X|KKK|Y|CCC} followed by the KID and CTR as
 * minimal big-endian integers when they do not fit the 3-bit fields. KID and CTR are unsigned 64-bit values
 * held in {@code long}s (compare with {@link Long#compareUnsigned}).
 *
 * @param kid the key identifier (unsigned)
 * @param ctr the counter (unsigned)
 */
public record SFrameHeader(long kid, long ctr) {

    /** The longest header: config byte, 8 KID bytes, 8 CTR bytes. */
    public static final int MAX_LENGTH = 17;

    /** Encoded length of this header in bytes (1 to 17). */
    public int length() {
        return 1 + extraBytes(kid) + extraBytes(ctr);
    }

    /** The encoded header. */
    public byte[] encode() {
        byte[] out = new byte[length()];
        encodeInto(out, 0);
        return out;
    }

    /** Writes the header at {@code offset}; returns the number of bytes written. */
    public int encodeInto(byte[] out, int offset) {
        int kidLen = extraBytes(kid);
        int ctrLen = extraBytes(ctr);
        int config = (kidLen == 0 ? (int) kid << 4 : 0x80 | (kidLen - 1) << 4)
                | (ctrLen == 0 ? (int) ctr : 0x08 | (ctrLen - 1));
        out[offset] = (byte) config;
        writeBigEndian(out, offset + 1, kid, kidLen);
        writeBigEndian(out, offset + 1 + kidLen, ctr, ctrLen);
        return 1 + kidLen + ctrLen;
    }

    /**
     * Parses the header at the start of {@code frame}.
     *
     * @throws MalformedHeaderException if the frame is too short or a value is not minimally encoded
     */
    public static SFrameHeader decode(byte[] frame, int offset, int length) {
        if (length < 1) {
            throw new MalformedHeaderException("empty frame");
        }
        int config = frame[offset] & 0xff;
        int pos = offset + 1;
        int end = offset + length;
        long kid;
        if ((config & 0x80) == 0) {
            kid = (config >> 4) & 0x07;
        } else {
            int n = ((config >> 4) & 0x07) + 1;
            kid = readMinimal(frame, pos, end, n, "KID");
            pos += n;
        }
        long ctr;
        if ((config & 0x08) == 0) {
            ctr = config & 0x07;
        } else {
            int n = (config & 0x07) + 1;
            ctr = readMinimal(frame, pos, end, n, "CTR");
        }
        return new SFrameHeader(kid, ctr);
    }

    /** Parses the header at the start of {@code frame}. */
    public static SFrameHeader decode(byte[] frame) {
        return decode(frame, 0, frame.length);
    }

    @Override
    public String toString() {
        return "SFrameHeader[kid=" + Long.toUnsignedString(kid) + ", ctr=" + Long.toUnsignedString(ctr) + "]";
    }

    /** Bytes after the config byte that {@code v} needs: 0 if it fits 3 bits, else its minimal length. */
    static int extraBytes(long v) {
        if (v >= 0 && v < 8) {
            return 0;
        }
        return (64 - Long.numberOfLeadingZeros(v) + 7) / 8;
    }

    private static void writeBigEndian(byte[] out, int offset, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out[offset + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long readMinimal(byte[] in, int pos, int end, int n, String what) {
        if (end - pos < n) {
            throw new MalformedHeaderException(what + " needs " + n + " bytes, frame has " + Math.max(0, end - pos));
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (in[pos + i] & 0xff);
        }
        if (extraBytes(v) != n) {
            // §4.3: values 0-7 go in the config byte, larger ones in the fewest bytes. Anything else would give
            // one (KID, CTR) two encodings; we accept only the canonical one.
            throw new MalformedHeaderException(what + " is not minimally encoded");
        }
        return v;
    }

    /** The bytes are not a valid SFrame header. */
    public static final class MalformedHeaderException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public MalformedHeaderException(String message) {
            super(message);
        }
    }
}
