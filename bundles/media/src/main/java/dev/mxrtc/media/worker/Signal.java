package dev.mxrtc.media.worker;

/**
 * What a peer publishes, generated in 10 ms frames of 16-bit mono PCM at 48 kHz. The spec is immutable and swapped
 * atomically; the generator state (phase, clip position) is owned by the pump thread.
 */
final class Signal {

    static final int RATE = 48_000;
    static final int FRAME = RATE / 100;
    private static final double AMPLITUDE = 0.3;

    sealed interface Spec {
    }

    record Silence() implements Spec {
    }

    record Tone(double hz) implements Spec {
    }

    /** Audio received by another peer of this worker (or this one: an echo), looked up by id at every frame. */
    record Relay(String from) implements Spec {
    }

    record Clip(short[] samples) implements Spec {
        Clip {
            samples = samples.clone();
        }
    }

    private volatile Spec spec = new Silence();
    private Spec current;
    private double phase;
    private int clipPos;

    void set(Spec s) {
        spec = s;
    }

    Spec spec() {
        return spec;
    }

    /**
     * Next 10 ms frame, little-endian bytes; null while silent: nothing is pushed then (every push is a chance for
     * the ADM race described in MediaWorker).
     */
    byte[] nextFrame() {
        return nextFrame(id -> null);
    }

    /** As {@link #nextFrame()}; {@code received} gives the received-audio FIFO of a peer by id (null: none). */
    byte[] nextFrame(java.util.function.Function<String, AudioFifo> received) {
        Spec s = spec;
        if (s instanceof Silence) {
            current = s;
            return null;
        }
        if (s != current) {
            current = s;
            phase = 0;
            clipPos = 0;
        }
        byte[] out = new byte[FRAME * 2];
        switch (s) {
            case Silence x -> {
                return null;
            }
            case Tone t -> {
                double step = 2 * Math.PI * t.hz() / RATE;
                for (int i = 0; i < FRAME; i++) {
                    put(out, i, (short) Math.round(Math.sin(phase) * AMPLITUDE * Short.MAX_VALUE));
                    phase += step;
                    if (phase > 2 * Math.PI) {
                        phase -= 2 * Math.PI;
                    }
                }
            }
            case Relay r -> {
                AudioFifo fifo = received.apply(r.from());
                short[] frame = fifo == null ? new short[FRAME] : fifo.take(FRAME);
                for (int i = 0; i < FRAME; i++) {
                    put(out, i, frame[i]);
                }
            }
            case Clip c -> {
                short[] samples = c.samples;
                for (int i = 0; i < FRAME && samples.length > 0; i++) {
                    put(out, i, samples[clipPos]);
                    clipPos = (clipPos + 1) % samples.length;
                }
            }
        }
        return out;
    }

    private static void put(byte[] out, int i, short v) {
        out[2 * i] = (byte) v;
        out[2 * i + 1] = (byte) (v >> 8);
    }

    static short[] fromLittleEndian(byte[] pcm) {
        short[] s = new short[pcm.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        return s;
    }
}
