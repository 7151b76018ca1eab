package dev.mxrtc.media.worker;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Measures received video: frames counted per report window, the latest size, and the mean Y, U and V of the middle
 * half of the picture (every second pixel and row). Fed from libwebrtc's decoder thread, read by the worker's report
 * timer: one lock guards the numbers.
 */
final class VideoAnalyzer {

    /** A window's summary; {@code fps} 0 means frames stopped. */
    record Report(int width, int height, double fps, double y, double u, double v, long frames) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private int width;
    private int height;
    private double y;
    private double u;
    private double v;
    private long frames;
    private long windowFrames;
    private long windowStart = System.nanoTime();
    private boolean stoppedReported = true;

    /** One I420 frame as planes with strides (libwebrtc's layout). */
    void accept(int w, int h, ByteBuffer dataY, int strideY, ByteBuffer dataU, int strideU, ByteBuffer dataV,
            int strideV) {
        if (w <= 0 || h <= 0) {
            return;
        }
        int x0 = w / 4;
        int x1 = Math.max(x0 + 1, w - w / 4);
        int r0 = h / 4;
        int r1 = Math.max(r0 + 1, h - h / 4);
        long sy = 0;
        long su = 0;
        long sv = 0;
        long n = 0;
        long nc = 0;
        for (int row = r0; row < r1; row += 2) {
            int base = row * strideY;
            int cbase = (row / 2) * strideU;
            int vbase = (row / 2) * strideV;
            for (int x = x0; x < x1; x += 2) {
                sy += dataY.get(base + x) & 0xFF;
                n++;
                su += dataU.get(cbase + x / 2) & 0xFF;
                sv += dataV.get(vbase + x / 2) & 0xFF;
                nc++;
            }
        }
        lock.lock();
        try {
            width = w;
            height = h;
            y = (double) sy / n;
            u = (double) su / nc;
            v = (double) sv / nc;
            frames++;
            windowFrames++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The window since the last report; null when there is nothing to say (no frames yet, or frames stopped and that
     * was already reported once).
     */
    Report report(long nowNanos) {
        lock.lock();
        try {
            double secs = Math.max(1e-3, (nowNanos - windowStart) / 1e9);
            long n = windowFrames;
            windowFrames = 0;
            windowStart = nowNanos;
            if (n == 0) {
                if (stoppedReported) {
                    return null;
                }
                stoppedReported = true;
            } else {
                stoppedReported = false;
            }
            return new Report(width, height, n / secs, y, u, v, frames);
        } finally {
            lock.unlock();
        }
    }
}
