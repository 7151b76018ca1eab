package dev.mxrtc.media.worker;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Measures received audio: RMS level and dominant frequency over the last {@value #WINDOW} samples (an 85 ms window at
 * 48 kHz). Frequency comes from a Hann-windowed FFT peak refined by parabolic interpolation of the log magnitudes,
 * accurate to about a hertz for a clean tone. Fed from libwebrtc's audio thread, read by the worker's report timer:
 * one lock guards the ring buffer.
 */
final class AudioAnalyzer {

    static final int WINDOW = 4096;

    private final ReentrantLock lock = new ReentrantLock();
    private final double[] ring = new double[WINDOW];
    private int pos;
    private int filled;
    private int sampleRate = 48_000;
    private long total;

    /** libwebrtc's AudioTrackSink shape: 16-bit little-endian interleaved PCM; only the first channel is used. */
    void accept(byte[] data, int bitsPerSample, int rate, int channels, int frames) {
        if (bitsPerSample != 16 || channels < 1 || rate <= 0) {
            return;
        }
        int n = Math.min(frames, data.length / (2 * channels));
        lock.lock();
        try {
            sampleRate = rate;
            for (int f = 0; f < n; f++) {
                int i = f * channels * 2;
                short s = (short) ((data[i] & 0xff) | (data[i + 1] << 8));
                ring[pos] = s / 32768.0;
                pos = (pos + 1) % WINDOW;
            }
            filled = Math.min(WINDOW, filled + n);
            total += n;
        } finally {
            lock.unlock();
        }
    }

    /** The level and frequency now; {@code hz} is 0 until a full window arrived or when silent. */
    Report report() {
        double[] x = new double[WINDOW];
        int rate;
        long samples;
        lock.lock();
        try {
            if (filled < WINDOW) {
                return new Report(0, 0, total);
            }
            for (int k = 0; k < WINDOW; k++) {
                x[k] = ring[(pos + k) % WINDOW];
            }
            rate = sampleRate;
            samples = total;
        } finally {
            lock.unlock();
        }
        return analyse(x, rate, samples);
    }

    static Report analyse(double[] x, int rate, long samples) {
        int n = x.length;
        double sum = 0;
        for (double v : x) {
            sum += v * v;
        }
        double rms = Math.sqrt(sum / n);
        if (rms < 1e-4) {
            return new Report(rms, 0, samples);
        }
        double[] re = new double[n];
        double[] im = new double[n];
        for (int k = 0; k < n; k++) {
            re[k] = x[k] * (0.5 - 0.5 * Math.cos(2 * Math.PI * k / (n - 1)));
        }
        fft(re, im);
        int best = 1;
        double bestMag = 0;
        for (int k = 1; k < n / 2 - 1; k++) {
            double m = re[k] * re[k] + im[k] * im[k];
            if (m > bestMag) {
                bestMag = m;
                best = k;
            }
        }
        double a = Math.log(re[best - 1] * re[best - 1] + im[best - 1] * im[best - 1] + 1e-30);
        double b = Math.log(bestMag + 1e-30);
        double c = Math.log(re[best + 1] * re[best + 1] + im[best + 1] * im[best + 1] + 1e-30);
        double denom = a - 2 * b + c;
        double shift = denom == 0 ? 0 : 0.5 * (a - c) / denom;
        return new Report(rms, (best + shift) * rate / n, samples);
    }

    /** In-place iterative radix-2 FFT; n must be a power of two. */
    private static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang);
            double wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int u = i + k;
                    int v = u + len / 2;
                    double vr = re[v] * cr - im[v] * ci;
                    double vi = re[v] * ci + im[v] * cr;
                    re[v] = re[u] - vr;
                    im[v] = im[u] - vi;
                    re[u] += vr;
                    im[u] += vi;
                    double ncr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = ncr;
                }
            }
        }
    }

    record Report(double rms, double hz, long samples) {
    }
}
