package dev.mxrtc.media.worker;

/**
 * Collects received audio (libwebrtc's AudioTrackSink shape) into blocks of about 100 ms of mono 16-bit little-endian
 * PCM for the {@code audio-frame} event. Only libwebrtc's audio thread calls {@link #accept}; a rate change flushes
 * what was collected so far.
 */
final class PcmBlocks {

    /** Receives a full block: the rate and little-endian bytes (the array is the callee's). */
    interface Out {
        void block(int rate, byte[] pcm);
    }

    private byte[] buf = new byte[0];
    private int len;
    private int rate;

    void accept(byte[] data, int bitsPerSample, int sampleRate, int channels, int frames, Out out) {
        if (bitsPerSample != 16 || channels < 1 || sampleRate <= 0) {
            return;
        }
        if (sampleRate != rate) {
            flush(out);
            rate = sampleRate;
            buf = new byte[2 * (sampleRate / 10)];
        }
        int n = Math.min(frames, data.length / (2 * channels));
        for (int f = 0; f < n; f++) {
            int i = f * channels * 2;
            buf[len++] = data[i];
            buf[len++] = data[i + 1];
            if (len == buf.length) {
                flush(out);
            }
        }
    }

    private void flush(Out out) {
        if (len > 0) {
            out.block(rate, java.util.Arrays.copyOf(buf, len));
        }
        len = 0;
    }
}
