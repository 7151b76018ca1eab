package dev.mxrtc.bench.homeserver;

import dev.mxrtc.bench.homeserver.HsClient.User;
import dev.mxrtc.bench.homeserver.Scenario.Kind;
import dev.mxrtc.bench.homeserver.Scenario.Plan;
import dev.mxrtc.bench.homeserver.Scenario.Population;
import dev.mxrtc.bench.homeserver.Scenario.Result;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Load benchmark of the development homeserver on loopback: {@code receivers} accounts long-poll {@code /sync} while
 * {@code senders} accounts send room messages into shared rooms, then to-device messages; prints the send→delivery
 * latency (p50/p99/max), deliveries per second, losses and duplicates, and ratios against baselines measured in the
 * same run on the same server (a no-op HTTP round trip, and each scenario with one sender and one receiver).
 *
 * <pre>{@code
 * ./mvnw -B -ntp -pl benchmarks-homeserver -am package      (builds the benchmark and what it needs)
 * java -cp benchmarks-homeserver/target/classes:$(cat benchmarks-homeserver/target/classpath.txt) \
 *      dev.mxrtc.bench.homeserver.LoadBenchmark [--receivers 200] [--senders 50] [--rooms 10] [--rate 2] \
 *      [--seconds 20] [--warmup 3] [--baseline-rate 20] [--in-process] [--data-dir DIR]
 * }</pre>
 *
 * Stops by itself: each scenario runs warmup + seconds (+ 2 s drain). The server is forked by default.
 */
public final class LoadBenchmark {

    /** The knobs; {@link #defaults()} is the acceptance load (200 long-polling receivers, 50 senders). */
    public record Options(int receivers, int senders, int rooms, double rate, Duration measure, Duration warmup,
            Duration drain, double baselineRate, boolean fork, Path dataDir) {
        public Options {
            if (receivers < 1 || senders < 1 || rooms < 1 || rate <= 0 || baselineRate <= 0) {
                throw new IllegalArgumentException("receivers, senders, rooms and rates must be positive");
            }
        }

        public static Options defaults() {
            return new Options(200, 50, 10, 2, Duration.ofSeconds(20), Duration.ofSeconds(3), Duration.ofSeconds(2), 20,
                    true, null);
        }
    }

    /** Everything measured in one run. */
    public record Report(Latencies noop, List<Result> results) {
        Result result(String name) {
            return results.stream().filter(r -> r.plan().name().equals(name)).findFirst().orElseThrow();
        }
    }

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        run(o, System.out);
    }

    public static Report run(Options o, PrintStream out) throws Exception {
        Path dir = o.dataDir() != null ? o.dataDir() : Files.createTempDirectory("mxrtc-hs-bench");
        out.printf(Locale.ROOT, "homeserver load benchmark: %d receivers, %d senders, %d rooms, %.1f msg/s per sender, "
                + "%d s per scenario, server %s, data %s%n", o.receivers(), o.senders(), o.rooms(), o.rate(),
                o.measure().toSeconds(), o.fork() ? "forked JVM" : "in this JVM", dir);
        out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s, load average before: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), loadAverage());
        try (ServerUnderTest server = ServerUnderTest.start(o.fork(), dir)) {
            HsClient client = new HsClient(server.baseUrl());
            long t0 = System.nanoTime();
            Population population = populate(client, o);
            out.printf(Locale.ROOT, "setup: %d accounts registered and joined in %.1f s%n",
                    o.receivers() + o.senders(), (System.nanoTime() - t0) / 1e9);
            Latencies noop = noopRoundTrips(client);
            Duration baselineWindow = o.measure().dividedBy(2);
            Duration drain = o.drain();
            List<Plan> plans = List.of(
                    new Plan("room 1:1 baseline", Kind.ROOM_MESSAGES, 1, 1, o.baselineRate(), o.warmup(), baselineWindow, drain),
                    new Plan("room load", Kind.ROOM_MESSAGES, o.senders(), o.receivers(), o.rate(), o.warmup(), o.measure(), drain),
                    new Plan("to-device 1:1 baseline", Kind.TO_DEVICE, 1, 1, o.baselineRate(), o.warmup(), baselineWindow, drain),
                    new Plan("to-device load", Kind.TO_DEVICE, o.senders(), o.receivers(), o.rate(), o.warmup(), o.measure(), drain));
            List<Result> results = new ArrayList<>();
            for (Plan p : plans) {
                out.printf(Locale.ROOT, "running %s ...%n", p.name());
                results.add(new Scenario(client, population, p).run(server));
            }
            Report report = new Report(noop, results);
            print(report, out);
            // the clients and the server share the machine with whatever else runs: figures mean little if this is high
            out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
            return report;
        }
    }

    private static Population populate(HsClient client, Options o) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Semaphore parallel = new Semaphore(16);
        try {
            List<User> receivers = registerAll(client, pool, parallel, "r", o.receivers());
            List<User> senders = registerAll(client, pool, parallel, "s", o.senders());
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < o.rooms(); i++) rooms.add(client.createRoom(senders.getFirst()));
            Population population = new Population(receivers, senders, rooms);
            List<Future<?>> joins = new ArrayList<>();
            for (int i = 0; i < receivers.size(); i++) {
                User u = receivers.get(i);
                String room = rooms.get(population.roomOfReceiver(i));
                joins.add(pool.submit(() -> limited(parallel, () -> client.join(u, room))));
            }
            for (int j = 1; j < senders.size(); j++) {
                User u = senders.get(j);
                String room = rooms.get(population.roomOfSender(j));
                joins.add(pool.submit(() -> limited(parallel, () -> client.join(u, room))));
            }
            for (Future<?> f : joins) f.get();
            return population;
        } finally {
            pool.shutdown();
        }
    }

    private static List<User> registerAll(HsClient client, ExecutorService pool, Semaphore parallel, String prefix, int n)
            throws Exception {
        List<Future<User>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String localpart = prefix + i;
            futures.add(pool.submit(() -> {
                parallel.acquire();
                try {
                    return client.register(localpart);
                } finally {
                    parallel.release();
                }
            }));
        }
        List<User> users = new ArrayList<>();
        for (Future<User> f : futures) users.add(f.get());
        return users;
    }

    @FunctionalInterface
    private interface Call {
        void run() throws IOException, InterruptedException;
    }

    private static Void limited(Semaphore parallel, Call call) throws IOException, InterruptedException {
        parallel.acquire();
        try {
            call.run();
            return null;
        } finally {
            parallel.release();
        }
    }

    /** {@code GET /versions} one after another on an idle server: what one HTTP exchange costs here. */
    private static Latencies noopRoundTrips(HsClient client) throws IOException, InterruptedException {
        for (int i = 0; i < 300; i++) client.versions();
        long[] samples = new long[1000];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            client.versions();
            samples[i] = System.nanoTime() - t;
        }
        return new Latencies(samples);
    }

    static void print(Report report, PrintStream out) {
        Latencies noop = report.noop();
        out.println();
        out.printf(Locale.ROOT, "no-op round trip (GET /versions, idle): p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)%n",
                noop.percentileMs(50), noop.percentileMs(99), noop.maxMs(), noop.count());
        out.printf(Locale.ROOT, "%-24s %4s %4s %6s %8s %5s %4s %4s %9s %8s %8s %8s %9s %9s %7s %7s %5s%n", "scenario",
                "snd", "rcv", "sent", "deliv", "lost", "dup", "err", "events/s", "p50 ms", "p99 ms", "max ms", "send p50",
                "send p99", "srv cpu", "cli cpu", "load");
        for (Result r : report.results()) {
            out.printf(Locale.ROOT, "%-24s %4d %4d %6d %8d %5d %4d %4d %9.1f %8.2f %8.2f %8.2f %9.2f %9.2f %7s %7s %5s%n",
                    r.plan().name(), r.plan().senders(), r.plan().receivers(), r.sent(), r.delivered(), r.lost(),
                    r.duplicates(), r.errors(), r.eventsPerSecond(), r.delivery().percentileMs(50),
                    r.delivery().percentileMs(99), r.delivery().maxMs(), r.send().percentileMs(50),
                    r.send().percentileMs(99), r.serverCpu().map(c -> percentOf(c, r.seconds())).orElse("-"),
                    percentOf(r.clientCpu(), r.seconds()), r.load());
        }
        out.println();
        out.println("ratios (same run, same server):");
        for (String kind : List.of("room", "to-device")) {
            Result load = report.result(kind + " load");
            Result base = report.result(kind + " 1:1 baseline");
            out.printf(Locale.ROOT, "  %-9s load p50 / 1:1 p50 = %.1fx, load p99 / 1:1 p99 = %.1fx, "
                    + "load p50 / no-op p50 = %.1fx, load p99 / no-op p99 = %.1fx%n", kind,
                    load.delivery().percentileMs(50) / base.delivery().percentileMs(50),
                    load.delivery().percentileMs(99) / base.delivery().percentileMs(99),
                    load.delivery().percentileMs(50) / noop.percentileMs(50),
                    load.delivery().percentileMs(99) / noop.percentileMs(99));
        }
        double worstP99 = report.results().stream().filter(r -> r.plan().name().endsWith("load"))
                .map(r -> r.delivery().percentileMs(99)).max(Comparator.naturalOrder()).orElse(Double.NaN);
        out.printf(Locale.ROOT, "goal p99 < 100 ms under load: %s (worst load p99 %.1f ms)%n",
                worstP99 < 100 ? "met" : "NOT met", worstP99);
    }

    /** The 1/5/15-minute load averages, or "n/a" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a n/a n/a";
        }
    }

    private static String percentOf(Duration cpu, double seconds) {
        return String.format(Locale.ROOT, "%.0f%%", cpu.toNanos() / 1e9 / seconds * 100);
    }

    static Options parse(String[] args) {
        Options d = Options.defaults();
        int receivers = d.receivers();
        int senders = d.senders();
        int rooms = d.rooms();
        double rate = d.rate();
        Duration measure = d.measure();
        Duration warmup = d.warmup();
        double baselineRate = d.baselineRate();
        boolean fork = d.fork();
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ("--in-process".equals(a)) {
                fork = false;
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--receivers" -> receivers = Integer.parseInt(v);
                case "--senders" -> senders = Integer.parseInt(v);
                case "--rooms" -> rooms = Integer.parseInt(v);
                case "--rate" -> rate = Double.parseDouble(v);
                case "--seconds" -> measure = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
                case "--warmup" -> warmup = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
                case "--baseline-rate" -> baselineRate = Double.parseDouble(v);
                case "--data-dir" -> dataDir = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "; see the class comment");
            }
        }
        return new Options(receivers, senders, rooms, rate, measure, warmup, d.drain(), baselineRate, fork, dataDir);
    }
}
