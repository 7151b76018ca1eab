package dev.mxrtc.media;

/**
 * A generated test picture to publish: a solid colour with a frame counter (16 black/white blocks along the top edge,
 * the counter's bits) and a white bar that moves along the bottom edge, so consecutive frames differ as real video
 * does. The centre of the picture is the plain colour, which is what {@link VideoLevel} measures.
 *
 * @param width  even, 32..1920
 * @param height even, 32..1080
 * @param fps    frames per second, 1..30
 * @param rgb    the colour, {@code 0xRRGGBB}
 * @since 0.2
 */
public record VideoPattern(int width, int height, int fps, int rgb) {

    public VideoPattern {
        if (width < 32 || width > 1920 || width % 2 != 0 || height < 32 || height > 1080 || height % 2 != 0) {
            throw new IllegalArgumentException("size must be even, 32..1920 x 32..1080: " + width + "x" + height);
        }
        if (fps < 1 || fps > 30) {
            throw new IllegalArgumentException("fps must be 1..30: " + fps);
        }
        if (rgb < 0 || rgb > 0xFFFFFF) {
            throw new IllegalArgumentException("rgb must be 0xRRGGBB");
        }
    }

    /** The default: 320x180 at 15 fps in this colour. */
    public static VideoPattern solid(int rgb) {
        return new VideoPattern(320, 180, 15, rgb);
    }

    public int red() {
        return (rgb >> 16) & 0xFF;
    }

    public int green() {
        return (rgb >> 8) & 0xFF;
    }

    public int blue() {
        return rgb & 0xFF;
    }
}
