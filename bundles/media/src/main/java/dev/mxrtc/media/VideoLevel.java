package dev.mxrtc.media;

/**
 * A cheap summary of the remote video, about twice a second while frames arrive (and once with {@code fps} 0 after
 * they stop): the size of the latest decoded frame, the frame rate over the last window, the mean colour of the
 * picture's centre (the middle half in each direction, BT.601 limited range converted to RGB) with its mean luma, and
 * the total number of frames decoded on this connection.
 *
 * @since 0.2
 */
public record VideoLevel(int width, int height, double fps, int red, int green, int blue, double luma, long frames) {

    public VideoLevel {
        if (width < 0 || height < 0 || !(fps >= 0) || frames < 0) {
            throw new IllegalArgumentException("size, fps and frames must be >= 0");
        }
        if (red < 0 || red > 255 || green < 0 || green > 255 || blue < 0 || blue > 255 || !(luma >= 0 && luma <= 255)) {
            throw new IllegalArgumentException("colour components must be 0..255");
        }
    }

    /** The mean colour as {@code 0xRRGGBB}. */
    public int rgb() {
        return (red << 16) | (green << 8) | blue;
    }

    /** Largest difference of one colour component from {@code rgb} ({@code 0xRRGGBB}). */
    public int distance(int rgb) {
        return Math.max(Math.abs(red - ((rgb >> 16) & 0xFF)),
                Math.max(Math.abs(green - ((rgb >> 8) & 0xFF)), Math.abs(blue - (rgb & 0xFF))));
    }
}
