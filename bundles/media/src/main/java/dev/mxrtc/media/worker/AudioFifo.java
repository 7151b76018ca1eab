package dev.mxrtc.media.worker;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Received audio kept for relaying: 48 kHz mono 16-bit samples from libwebrtc's audio thread, taken by the pump in
 * 10 ms frames. Bounded to 200 ms: when the reader falls behind, the oldest audio is dropped so latency stays low.
 * Underruns read as silence.
 */
final class AudioFifo {

    private static final int CAPACITY = Signal.RATE / 5;

    private final ReentrantLock lock = new ReentrantLock();
    private final short[] ring = new short[CAPACITY];
    private int head;
    private int size;

    /** libwebrtc's AudioTrackSink shape; other rates are resampled by nearest sample, first channel only. */
    void accept(byte[] data, int bitsPerSample, int rate, int channels, int frames) {
        if (bitsPerSample != 16 || channels < 1 || rate <= 0) {
            return;
        }
        int n = Math.min(frames, data.length / (2 * channels));
        int out = (int) ((long) n * Signal.RATE / rate);
        lock.lock();
        try {
            for (int k = 0; k < out; k++) {
                int f = (int) ((long) k * rate / Signal.RATE);
                int i = f * channels * 2;
                short s = (short) ((data[i] & 0xff) | (data[i + 1] << 8));
                ring[(head + size) % CAPACITY] = s;
                if (size == CAPACITY) {
                    head = (head + 1) % CAPACITY;
                } else {
                    size++;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    short[] take(int n) {
        short[] out = new short[n];
        lock.lock();
        try {
            int k = Math.min(n, size);
            for (int i = 0; i < k; i++) {
                out[i] = ring[head];
                head = (head + 1) % CAPACITY;
            }
            size -= k;
        } finally {
            lock.unlock();
        }
        return out;
    }
}
