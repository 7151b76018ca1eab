package dev.mxrtc.media.supervisor;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.Peer;

/** {@link Recorder} for tests outside this package: in-memory signalling to a remote peer plus what was seen. */
public final class TestSignalling extends dev.mxrtc.media.supervisor.RecorderAccess {

    public static MediaSupervisor engine() {
        return Recorder.engine();
    }

    public static void await(Duration max, BooleanSupplier done, String what) throws InterruptedException {
        Recorder.await(max, done, what);
    }

    public void remote(Peer p) {
        recorder.remote.set(p);
    }

    public boolean saw(Object event) {
        return recorder.find(0, event::equals) >= 0;
    }

    public boolean heard(double hz) {
        return recorder.heard(0, hz) >= 0;
    }

    public AudioLevel lastAudio() {
        for (int i = recorder.size() - 1; i >= 0; i--) {
            if (recorder.at(i).event() instanceof AudioLevel a) {
                return a;
            }
        }
        return null;
    }
}
