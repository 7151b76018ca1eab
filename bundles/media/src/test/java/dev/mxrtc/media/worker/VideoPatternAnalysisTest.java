package dev.mxrtc.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;

/** The generated pattern and the receive-side analysis without libwebrtc: what one draws the other must read back. */
class VideoPatternAnalysisTest {

    @Test
    void theAnalyzerReadsThePatternsColourBackFromTheCentre() {
        for (int rgb : new int[] {0xD02828, 0x2850D0, 0x28C040, 0xD0C028, 0x808080, 0x101010, 0xF0F0F0}) {
            VideoPattern p = VideoPattern.solid(rgb);
            TestPattern t = new TestPattern(p);
            VideoAnalyzer a = new VideoAnalyzer();
            long start = System.nanoTime();
            for (int n = 0; n < 15; n++) {
                feed(a, p.width(), p.height(), t.draw(n), 7);
            }
            VideoAnalyzer.Report r = a.report(start + 1_000_000_000L);
            int back = I420Frame.rgb(r.y(), r.u(), r.v());
            VideoLevel level = new VideoLevel(r.width(), r.height(), r.fps(), (back >> 16) & 0xFF, (back >> 8) & 0xFF,
                    back & 0xFF, r.y(), r.frames());
            assertEquals(320, level.width());
            assertEquals(180, level.height());
            assertEquals(15, level.fps(), 0.5);
            assertEquals(15, level.frames());
            assertTrue(level.distance(rgb) <= 3, String.format("#%06x read back as #%06x", rgb, back));
        }
    }

    @Test
    void framesDifferByTheirCounterAndBarButNotInTheCentre() {
        VideoPattern p = new VideoPattern(320, 180, 15, 0x2850D0);
        TestPattern t = new TestPattern(p);
        byte[] f1 = t.draw(1).clone();
        byte[] f2 = t.draw(2).clone();
        assertNotEquals(java.util.Arrays.hashCode(f1), java.util.Arrays.hashCode(f2));
        I420Frame a = new I420Frame(320, 180, 0, f1);
        I420Frame b = new I420Frame(320, 180, 0, f2);
        assertEquals(a.rgbAt(160, 90), b.rgbAt(160, 90));
        // counter bit 0 is the 16th block: white in frame 1, black in frame 2
        assertTrue(lumaAt(f1, 320, 15 * 16 + 8, 8) > 200);
        assertTrue(lumaAt(f2, 320, 15 * 16 + 8, 8) < 30);
        // the bar moved 4 pixels along the bottom
        assertTrue(lumaAt(f1, 320, 4 + 8, 175) > 200);
        assertTrue(lumaAt(f2, 320, 8 + 14, 175) > 200);
    }

    @Test
    void anAnalyzerReportsOnceWhenFramesStopThenStaysQuiet() {
        VideoAnalyzer a = new VideoAnalyzer();
        assertNull(a.report(System.nanoTime()), "nothing before the first frame");
        TestPattern t = new TestPattern(VideoPattern.solid(0x808080));
        feed(a, 320, 180, t.draw(0), 0);
        assertTrue(a.report(System.nanoTime()).fps() > 0);
        VideoAnalyzer.Report stopped = a.report(System.nanoTime());
        assertEquals(0, stopped.fps());
        assertEquals(1, stopped.frames());
        assertNull(a.report(System.nanoTime()));
    }

    @Test
    void patternsOutsideTheLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VideoPattern(321, 180, 15, 0));
        assertThrows(IllegalArgumentException.class, () -> new VideoPattern(320, 180, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new VideoPattern(320, 180, 15, 0x1000000));
        assertThrows(IllegalArgumentException.class, () -> new I420Frame(4, 4, 0, new byte[23]));
    }

    @Test
    void pcmBlocksAreHundredMillisecondsOfTheFirstChannel() {
        PcmBlocks blocks = new PcmBlocks();
        List<byte[]> out = new ArrayList<>();
        List<Integer> rates = new ArrayList<>();
        byte[] stereo10ms = new byte[480 * 2 * 2];
        for (int f = 0; f < 480; f++) {
            short left = (short) (f * 10);
            stereo10ms[4 * f] = (byte) left;
            stereo10ms[4 * f + 1] = (byte) (left >> 8);
            stereo10ms[4 * f + 2] = 99; // right channel: dropped
        }
        for (int i = 0; i < 25; i++) {
            blocks.accept(stereo10ms, 16, 48_000, 2, 480, (r, pcm) -> {
                rates.add(r);
                out.add(pcm);
            });
        }
        assertEquals(2, out.size(), "250 ms make two full 100 ms blocks");
        assertEquals(9_600, out.get(0).length);
        assertEquals(List.of(48_000, 48_000), rates);
        assertEquals(10, (short) ((out.get(0)[2] & 0xff) | (out.get(0)[3] << 8)));
        // a rate change hands over the partial block
        blocks.accept(new byte[160 * 2], 16, 16_000, 1, 160, (r, pcm) -> {
            rates.add(r);
            out.add(pcm);
        });
        assertEquals(3, out.size());
        assertEquals(4_800, out.get(2).length, "the 50 ms collected at 48 kHz");
    }

    /** Packed I420 into planes with padded strides, as libwebrtc lays them out. */
    private static void feed(VideoAnalyzer a, int w, int h, byte[] i420, int pad) {
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        ByteBuffer y = plane(i420, 0, w, h, w + pad);
        ByteBuffer u = plane(i420, w * h, cw, ch, cw + pad);
        ByteBuffer v = plane(i420, w * h + cw * ch, cw, ch, cw + pad);
        a.accept(w, h, y, w + pad, u, cw + pad, v, cw + pad);
    }

    private static ByteBuffer plane(byte[] src, int offset, int w, int h, int stride) {
        ByteBuffer b = ByteBuffer.allocate(stride * h);
        for (int row = 0; row < h; row++) {
            b.put(row * stride, src, offset + row * w, w);
        }
        return b;
    }

    private static int lumaAt(byte[] i420, int w, int x, int y) {
        return i420[y * w + x] & 0xFF;
    }
}
