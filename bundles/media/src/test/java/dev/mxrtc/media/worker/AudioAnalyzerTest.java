package dev.mxrtc.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The analyzer on frames from the same generator the worker publishes with. */
class AudioAnalyzerTest {

    @Test
    void measuresTheFrequencyOfGeneratedTonesToAboutAHertz() {
        for (double hz : new double[] {220, 440, 997, 1000, 3150}) {
            AudioAnalyzer.Report r = feed(new Signal.Tone(hz), 20);
            assertEquals(hz, r.hz(), 1.0, "tone " + hz);
            assertEquals(0.3 / Math.sqrt(2), r.rms(), 0.01, "RMS of a 0.3 full-scale sine");
            assertEquals(20 * Signal.FRAME, r.samples());
        }
    }

    @Test
    void silenceHasNoFrequencyAndAPartialWindowIsNotMeasured() {
        AudioAnalyzer.Report silent = feed(new Signal.Silence(), 20);
        assertEquals(0, silent.hz());
        assertEquals(0, silent.rms(), 1e-9);
        AudioAnalyzer.Report partial = feed(new Signal.Tone(440), 2);
        assertEquals(0, partial.hz());
    }

    @Test
    void aLoopedClipIsMeasuredLikeTheToneItHolds() {
        short[] clip = new short[480 * 7];
        for (int i = 0; i < clip.length; i++) {
            clip[i] = (short) Math.round(Math.sin(2 * Math.PI * 600 * i / 48_000.0) * 8000);
        }
        AudioAnalyzer.Report r = feed(new Signal.Clip(clip), 20);
        assertEquals(600, r.hz(), 1.0);
    }

    private static AudioAnalyzer.Report feed(Signal.Spec spec, int frames) {
        Signal s = new Signal();
        s.set(spec);
        AudioAnalyzer a = new AudioAnalyzer();
        for (int i = 0; i < frames; i++) {
            byte[] f = s.nextFrame();
            a.accept(f == null ? new byte[Signal.FRAME * 2] : f, 16, Signal.RATE, 1, Signal.FRAME);
        }
        return a.report();
    }
}
