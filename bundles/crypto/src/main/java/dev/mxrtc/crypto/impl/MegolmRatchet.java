package dev.mxrtc.crypto.impl;

import java.util.Arrays;

/**
 * The Megolm ratchet (libolm {@code megolm.c}): four 256-bit parts R0..R3 and a 32-bit counter. R3 advances with
 * every message; R(i) is reseeded from R(h) when the low {@code 8 * (3 - h)} bits of the counter wrap, so any index
 * is reachable in at most 1020 hashes. {@code H_k(A) = HMAC-SHA256(A, k)}.
 */
final class MegolmRatchet {
    static final int PART = 32;
    static final int LENGTH = 4 * PART;

    private final byte[] data;
    private long counter; // unsigned 32-bit

    MegolmRatchet(byte[] data, long counter) {
        if (data.length != LENGTH || counter < 0 || counter > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("Megolm ratchet is 128 bytes and a 32-bit counter");
        }
        this.data = data.clone();
        this.counter = counter;
    }

    MegolmRatchet copy() {
        return new MegolmRatchet(data, counter);
    }

    long counter() {
        return counter;
    }

    byte[] data() {
        return data.clone();
    }

    private void rehash(int from, int to) {
        byte[] key = Arrays.copyOfRange(data, from * PART, (from + 1) * PART);
        byte[] next = Kdf.hmac(key, new byte[] {(byte) to});
        System.arraycopy(next, 0, data, to * PART, PART);
        Bytes.zero(key, next);
    }

    void advance() {
        long mask = 0x00FF_FFFFL;
        int h = 0;
        counter = (counter + 1) & 0xFFFF_FFFFL;
        while (h < 4) {
            if ((counter & mask) == 0) {
                break;
            }
            h++;
            mask >>>= 8;
        }
        for (int i = 3; i >= h; i--) {
            rehash(h, i);
        }
    }

    void advanceTo(long target) {
        for (int j = 0; j < 4; j++) {
            int shift = (3 - j) * 8;
            long mask = (0xFFFF_FFFFL << shift) & 0xFFFF_FFFFL;
            long steps = ((target >>> shift) - (counter >>> shift)) & 0xFF;
            if (steps == 0) {
                if (target < counter) {
                    steps = 0x100;
                } else {
                    continue;
                }
            }
            while (steps > 1) {
                rehash(j, j);
                steps--;
            }
            for (int k = 3; k >= j; k--) {
                rehash(j, k);
            }
            counter = target & mask;
        }
    }

    void destroy() {
        Bytes.zero(data);
    }
}
