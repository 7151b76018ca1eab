package dev.mxrtc.membership.manager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Application;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;

/**
 * On demand: {@code ./mvnw -pl bundles/membership verify -Dgroups=benchmark -Dtest=MembershipBenchmark
 * -Dmembership.excludedGroups=none -Dmxrtc.bench.joins=100}. Prints time-to-join (join requested until the observer's
 * own sync and core show the member) p50/p99 over N joins, per format, and crash-to-clean (the participation stops
 * without leaving until the observer sees the member gone) as a ratio to the configured delay.
 */
@Tag("benchmark")
@Timeout(600)
class MembershipBenchmark {

    @TempDir
    Path dir;

    @Test
    void timeToJoinAndCrashToClean() throws Exception {
        int n = Integer.getInteger("mxrtc.bench.joins", 100);
        int crashes = Integer.getInteger("mxrtc.bench.crashes", 5);
        long delay = Long.getLong("mxrtc.bench.delay", 2_000);
        MembershipConfig config = MembershipConfig.DEFAULTS.withDelay(delay, delay * 5 / 8).withRetry(100, 300, 300);
        try (Fixture f = new Fixture(dir, 86_400_000, 2_000)) {
            Participants participants = new Participants(u -> Optional.of(f.botClient()), f.botCore.sessions, config);
            f.botCore.listen(participants::onSessionEvent);
            for (MembershipFormat format : List.of(MembershipFormat.LEGACY, MembershipFormat.STICKY_UNSTABLE)) {
                List<Long> ms = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    Participation p = participants.join(JoinRequest.roomCall(f.roomId, Application.of("m.call"),
                            List.of()).withFormat(format));
                    f.awaitObserved(m -> Fixture.ofBot(m).size() == 1
                            && Fixture.ofBot(m).get(0).memberId().equals(p.memberId()), 5_000, "joined");
                    ms.add((System.nanoTime() - t0) / 1_000_000);
                    p.leave().toCompletableFuture().get(3, TimeUnit.SECONDS);
                    f.awaitObserved(m -> Fixture.ofBot(m).isEmpty(), 5_000, "left");
                }
                Collections.sort(ms);
                System.out.printf("BENCH time-to-join %s n=%d p50=%d ms p99=%d ms max=%d ms%n", format, n,
                        ms.get(n / 2), ms.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)), ms.get(n - 1));
            }
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < crashes; i++) {
                Participation p = participants.join(JoinRequest.roomCall(f.roomId, Application.of("m.call"),
                        List.of()).withFormat(MembershipFormat.LEGACY));
                f.awaitObserved(m -> Fixture.ofBot(m).size() == 1, 5_000, "joined");
                // let a keep-alive go by, so the crash happens at a random point of the restart period
                Thread.sleep(delay / 2 + (long) (Math.random() * delay / 2));
                long t0 = System.nanoTime();
                ((MembershipManager) p).crash();
                f.awaitObserved(m -> Fixture.ofBot(m).isEmpty(), delay * 4, "gone after the crash");
                ratios.add((System.nanoTime() - t0) / 1e6 / delay);
            }
            Collections.sort(ratios);
            System.out.printf("BENCH crash-to-clean delay=%d ms ratio min=%.2f median=%.2f max=%.2f%n", delay,
                    ratios.get(0), ratios.get(ratios.size() / 2), ratios.get(ratios.size() - 1));
        }
    }
}
