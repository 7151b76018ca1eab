package dev.mxrtc.media;

/**
 * The media process: {@code pid} is -1 while none runs; {@code restarts} counts restarts after crashes or hangs.
 */
public record WorkerStatus(boolean running, long pid, int restarts) {
    public WorkerStatus {
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts must be >= 0");
        }
    }
}
