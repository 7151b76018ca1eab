package dev.mxrtc.media;

/**
 * One decoded video frame, I420 (YUV 4:2:0, BT.601 limited range) packed without padding: the Y plane
 * ({@code width * height} bytes), then U and V ({@code ceil(width/2) * ceil(height/2)} bytes each).
 *
 * @param timestampMicros the frame's capture time on the sender's clock as libwebrtc reports it, in microseconds
 * @since 0.2
 */
public record I420Frame(int width, int height, long timestampMicros, byte[] data) {

    public I420Frame {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        data = data.clone();
        if (data.length != size(width, height)) {
            throw new IllegalArgumentException("I420 " + width + "x" + height + " needs " + size(width, height)
                    + " bytes, got " + data.length);
        }
    }

    /** Bytes of a packed I420 frame of this size. */
    public static int size(int width, int height) {
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        return width * height + 2 * cw * ch;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The pixel at (x, y) converted to {@code 0xRRGGBB}. */
    public int rgbAt(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
        }
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        int yv = data[y * width + x] & 0xFF;
        int u = data[width * height + (y / 2) * cw + x / 2] & 0xFF;
        int v = data[width * height + cw * ch + (y / 2) * cw + x / 2] & 0xFF;
        return rgb(yv, u, v);
    }

    /** BT.601 limited-range YUV to {@code 0xRRGGBB}. */
    public static int rgb(double y, double u, double v) {
        double c = 1.164 * (y - 16);
        int r = clamp(c + 1.596 * (v - 128));
        int g = clamp(c - 0.392 * (u - 128) - 0.813 * (v - 128));
        int b = clamp(c + 2.017 * (u - 128));
        return (r << 16) | (g << 8) | b;
    }

    private static int clamp(double d) {
        return (int) Math.max(0, Math.min(255, Math.round(d)));
    }
}
