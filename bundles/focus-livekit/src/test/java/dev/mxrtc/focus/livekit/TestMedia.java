package dev.mxrtc.focus.livekit;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.supervisor.MediaSupervisor;
import dev.mxrtc.media.supervisor.WorkerLaunch;

/** Real media engines for the tests (supervised worker JVMs in this test's network namespace) and what they hear. */
final class TestMedia {

    private TestMedia() {
    }

    /** A started media engine whose worker runs the media bundle and webrtc-java from this test's class path. */
    static MediaSupervisor engine() throws InterruptedException {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> s.contains("dev.mxrtc.media") || s.contains("webrtc-java") || s.contains("/media/target/"))
                .map(Path::of).toList();
        MediaSupervisor engine = new MediaSupervisor(new WorkerLaunch(WorkerLaunch.currentJava(),
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), cp),
                MediaSupervisor.Settings.defaults());
        engine.start();
        await(Duration.ofSeconds(30), () -> engine.status().running(), "media worker running");
        return engine;
    }

    static void await(Duration max, BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + max + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Audio reports of one member's subscriber, with their arrival time. */
    static final class Heard {
        record At(long nanos, AudioLevel level) {
        }

        final List<At> reports = new CopyOnWriteArrayList<>();

        void add(AudioLevel level) {
            reports.add(new At(System.nanoTime(), level));
        }

        static boolean matches(AudioLevel a, double hz) {
            return a.rms() > 0.02 && Math.abs(a.frequencyHz() - hz) < 5;
        }

        /** The first report of {@code hz} at or after {@code sinceNanos}, or null. */
        At first(long sinceNanos, double hz) {
            return reports.stream().filter(r -> r.nanos() >= sinceNanos && matches(r.level(), hz)).findFirst()
                    .orElse(null);
        }

        /** The longest time without a report of {@code hz} in [from, to], counting from the edges. */
        long longestGapMs(long from, long to, double hz) {
            long last = from;
            long gap = 0;
            for (At r : reports) {
                if (r.nanos() >= from && r.nanos() <= to && matches(r.level(), hz)) {
                    gap = Math.max(gap, r.nanos() - last);
                    last = r.nanos();
                }
            }
            return Math.max(gap, to - last) / 1_000_000;
        }
    }
}
