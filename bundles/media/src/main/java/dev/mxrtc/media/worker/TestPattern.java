package dev.mxrtc.media.worker;

import dev.mxrtc.media.VideoPattern;

/**
 * Draws {@link VideoPattern} frames as packed I420 (BT.601 limited range): the colour everywhere, the frame counter's
 * 16 low bits as black/white 16x16 blocks along the top edge (most significant first, as far as the width allows), and
 * a 16-pixel white bar stepping 4 pixels a frame along the bottom 16 rows. The centre is always the plain colour.
 * Pure Java, one instance per publishing peer, used by one thread at a time.
 */
final class TestPattern {

    static final int BLOCK = 16;

    private final VideoPattern pattern;
    private final byte[] frame;
    private final int y0;
    private final int u0;
    private final int v0;

    TestPattern(VideoPattern pattern) {
        this.pattern = pattern;
        this.frame = new byte[dev.mxrtc.media.I420Frame.size(pattern.width(), pattern.height())];
        int r = pattern.red();
        int g = pattern.green();
        int b = pattern.blue();
        this.y0 = clamp(16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256);
        this.u0 = clamp(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
        this.v0 = clamp(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
    }

    VideoPattern pattern() {
        return pattern;
    }

    /** Frame number {@code n}; the returned array is reused by the next call. */
    byte[] draw(long n) {
        int w = pattern.width();
        int h = pattern.height();
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        java.util.Arrays.fill(frame, 0, w * h, (byte) y0);
        java.util.Arrays.fill(frame, w * h, w * h + cw * ch, (byte) u0);
        java.util.Arrays.fill(frame, w * h + cw * ch, frame.length, (byte) v0);
        int blocks = Math.min(16, w / BLOCK);
        for (int k = 0; k < blocks; k++) {
            boolean one = ((n >> (blocks - 1 - k)) & 1) != 0;
            grey(k * BLOCK, 0, BLOCK, Math.min(BLOCK, h), one ? 235 : 16);
        }
        int span = Math.max(1, w - BLOCK);
        int x = (int) ((n * 4) % span) & ~1;
        grey(x, Math.max(0, h - BLOCK), BLOCK, Math.min(BLOCK, h), 235);
        return frame;
    }

    /** Paints a rectangle (even coordinates) in a neutral grey level. */
    private void grey(int x, int y, int bw, int bh, int luma) {
        int w = pattern.width();
        int h = pattern.height();
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        for (int row = y; row < Math.min(h, y + bh); row++) {
            java.util.Arrays.fill(frame, row * w + x, row * w + Math.min(w, x + bw), (byte) luma);
        }
        for (int row = y / 2; row < Math.min(ch, (y + bh) / 2); row++) {
            int from = row * cw + x / 2;
            int to = row * cw + Math.min(cw, (x + bw) / 2);
            java.util.Arrays.fill(frame, w * h + from, w * h + to, (byte) 128);
            java.util.Arrays.fill(frame, w * h + cw * ch + from, w * h + cw * ch + to, (byte) 128);
        }
    }

    private static int clamp(double d) {
        return (int) Math.max(0, Math.min(255, Math.round(d)));
    }
}
