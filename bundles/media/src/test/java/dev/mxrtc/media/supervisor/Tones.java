package dev.mxrtc.media.supervisor;

/** Dominant frequency of received PCM, for tests: a Goertzel scan of a Hann-windowed block, refined parabolically. */
final class Tones {

    private Tones() {
    }

    static double dominantHz(short[] x, int rate) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = x[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)));
        }
        double step = 2;
        double best = 0;
        double bestPower = -1;
        for (double f = 50; f <= 4000; f += step) {
            double p = power(w, f, rate);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        double l = Math.log(power(w, best - step, rate) + 1e-9);
        double c = Math.log(bestPower + 1e-9);
        double r = Math.log(power(w, best + step, rate) + 1e-9);
        double d = l - 2 * c + r;
        return d == 0 ? best : best + step * 0.5 * (l - r) / d;
    }

    private static double power(double[] x, double f, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * f / rate);
        double s1 = 0;
        double s2 = 0;
        for (double v : x) {
            double s = v + k * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2;
    }
}
