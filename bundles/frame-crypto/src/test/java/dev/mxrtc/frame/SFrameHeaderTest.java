package dev.mxrtc.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SFrameHeaderTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @CsvSource({
        // kid, ctr, header: each length of the extended KID and CTR fields, 1 to 8 bytes
        "0, 0, 00",
        "7, 7, 77",
        "8, 0, 8008",
        "255, 8, 88ff08",
        "256, 65536, 9a0100010000",
        "16777216, 4294967296, bc010000000100000000",
        "1099511627776, 0, d0010000000000",
        "281474976710656, 3, e301000000000000",
        "72057594037927936, 72057594037927936, ff01000000000000000100000000000000",
        "-1, -1, ffffffffffffffffffffffffffffffffff",
    })
    void encodesEveryFieldLength(long kid, long ctr, String hex) {
        SFrameHeader h = new SFrameHeader(kid, ctr);
        assertEquals(hex, HEX.formatHex(h.encode()));
        assertEquals(h, SFrameHeader.decode(HEX.parseHex(hex)));
        assertEquals(hex.length() / 2, h.length());
    }

    @Test
    void roundTripsRandomValuesOfEveryMagnitude() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long kid = r.nextLong() >>> r.nextInt(64);
            long ctr = r.nextLong() >>> r.nextInt(64);
            SFrameHeader h = new SFrameHeader(kid, ctr);
            byte[] enc = h.encode();
            // trailing bytes after the header belong to the ciphertext
            byte[] withBody = java.util.Arrays.copyOf(enc, enc.length + 5);
            assertEquals(h, SFrameHeader.decode(withBody));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                    // nothing
        "80",                  // KID length 1, no KID byte
        "f0ffffffffffffff",    // KID length 8, 7 bytes
        "08",                  // CTR length 1, no CTR byte
        "ff0100000000000000",  // KID complete, CTR of 8 bytes missing
    })
    void rejectsTruncatedHeaders(String hex) {
        assertThrows(SFrameHeader.MalformedHeaderException.class, () -> SFrameHeader.decode(HEX.parseHex(hex)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "8005",     // KID 5 in the extended form: belongs in the config byte
        "900001",   // KID 1 in two bytes
        "90000f",   // KID 15 in two bytes
        "0900ff",   // CTR 255 in two bytes
        "0807",     // CTR 7 extended
    })
    void rejectsNonMinimalEncodings(String hex) {
        assertThrows(SFrameHeader.MalformedHeaderException.class, () -> SFrameHeader.decode(HEX.parseHex(hex)));
    }

    @Test
    void encodeIntoWritesAtOffset() {
        byte[] buf = new byte[20];
        int n = new SFrameHeader(0x123, 0x4567).encodeInto(buf, 2);
        assertEquals(5, n);
        assertArrayEquals(HEX.parseHex("0000" + "9901234567"), java.util.Arrays.copyOf(buf, 7));
    }
}
