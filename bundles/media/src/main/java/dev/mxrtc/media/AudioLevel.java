package dev.mxrtc.media;

/**
 * Received audio over the last ~85 ms: RMS in [0, 1] of full scale, dominant frequency in Hz (0 when silent or not
 * yet measured), and the total number of samples received on this connection.
 */
public record AudioLevel(double rms, double frequencyHz, long samples) {
    public AudioLevel {
        if (!(rms >= 0) || !(frequencyHz >= 0) || samples < 0) {
            throw new IllegalArgumentException("rms, frequency and samples must be >= 0");
        }
    }
}
