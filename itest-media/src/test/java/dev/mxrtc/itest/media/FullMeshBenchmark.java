package dev.mxrtc.itest.media;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * Full-mesh figures on this machine, not part of the suite (tag {@code benchmark}; run with
 * {@code ./mvnw -pl itest-media verify -Ditest.media.excludedGroups=none -Dtest=FullMeshBenchmark}):
 * for N = 2, 4, 6 participant JVMs with to_device signalling, the time from the last member joining the mesh to all
 * N(N-1)/2 pairs connected, and the CPU each participant (its JVM plus its media worker) uses while N-1 Opus streams
 * flow each way; then data-channel messages per second between two members (through both media workers' IPC).
 */
@Tag("benchmark")
@Timeout(900)
class FullMeshBenchmark {

    static final String SERVER = "bench.local";
    final Path dir = Path.of(System.getProperty("mxrtc.itest.out", System.getProperty("java.io.tmpdir")),
            "bench-" + System.currentTimeMillis());

    @Test
    void meshSizesAndDataRate() throws Exception {
        try (HomeserverMain hs = new HomeserverMain(HomeserverConfig.defaults(SERVER, dir.resolve("hs")), "127.0.0.1",
                0)) {
            String url = "http://127.0.0.1:" + hs.port();
            try (StandaloneClient host = MatrixClients.open(ClientSettings.password(url, "host", "pw-host",
                    dir.resolve("host")).withRegister(true).withTimeouts(1_000, 10_000))) {
                for (int n : new int[] {2, 4, 6}) {
                    String room = host.client().createRoom(new CreateRoom(Optional.of(CreateRoom.Preset.PUBLIC_CHAT),
                            Optional.of("bench" + n), Optional.empty(), Optional.empty(), List.of(), List.of(),
                            Optional.empty(), Optional.empty(), false));
                    run(url, room, n);
                }
            }
        }
    }

    private void run(String url, String room, int n) throws Exception {
        List<ParticipantProcess> ps = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ps.add(new ParticipantProcess(url, room, "b" + n + "x" + i, "BDEV" + i, dir.resolve(n + "-" + i),
                        300 + 150 * i, "to_device", SERVER, ""));
            }
            FullMeshCallTest.await(180_000, "all pairs of " + n, () -> ps.stream().allMatch(
                    p -> p.connectedCount() == n - 1));
            long all = System.nanoTime();
            long lastJoin = ps.stream().mapToLong(p -> p.first(0, l -> l.word(0).equals("JOINED-MESH")).orElseThrow()
                    .nanos()).max().orElseThrow();
            System.out.printf("bench-fullmesh N=%d: %d pairs connected %d ms after the last member joined the mesh"
                    + " (%d ms from starting %d JVMs)%n", n, n * (n - 1) / 2, (all - lastJoin) / 1_000_000,
                    (all - t0) / 1_000_000, n);

            // CPU while the tones flow: participant JVM + its media worker, over 10 s
            Thread.sleep(3_000);
            double[] cpu0 = ps.stream().mapToDouble(FullMeshBenchmark::cpuSeconds).toArray();
            long w0 = System.nanoTime();
            Thread.sleep(10_000);
            double wall = (System.nanoTime() - w0) / 1e9;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (cpuSeconds(ps.get(i)) - cpu0[i]) / wall;
            }
            System.out.printf("bench-fullmesh N=%d: CPU per participant (JVM + media worker, %d audio streams in and"
                    + " out) %.1f%% of one core on average%n", n, n - 1, 100 * sum / n);

            if (n == 2) {
                int count = 5_000;
                ParticipantProcess a = ps.get(0);
                ParticipantProcess b = ps.get(1);
                int mark = b.lines.size();
                long td = System.nanoTime();
                a.command("flood " + count);
                FullMeshCallTest.await(120_000, "all data messages", () -> b.first(mark, l -> l.word(0).equals("DATA")
                        && l.word(2).equals("d" + (count - 1))).isPresent());
                long last = b.first(mark, l -> l.word(0).equals("DATA") && l.word(2).equals("d" + (count - 1)))
                        .orElseThrow().nanos();
                long received = b.lines.subList(mark, b.lines.size()).stream().filter(l -> l.word(0).equals("DATA"))
                        .count();
                double secs = (last - td) / 1e9;
                System.out.printf("bench-fullmesh data: %d messages one way in %.2f s = %.0f msgs/s (%d received)%n",
                        count, secs, count / secs, received);
            }
        } finally {
            ps.forEach(ParticipantProcess::close);
        }
    }

    private static double cpuSeconds(ParticipantProcess p) {
        double s = p.process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
        for (ProcessHandle h : p.process.descendants().toList()) {
            s += h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
        }
        return s;
    }
}
