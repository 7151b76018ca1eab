package dev.mxrtc.bench.crypto;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Olm and Megolm ops/s of {@code dev.mxrtc.crypto} and of the Rust crypto binding in one run, with the same
 * operations, payload sizes, warm-up and iterations; prints a Markdown table with each median and the Java/Rust
 * ratio. Run from the repository root:
 * <pre>java -jar benchmarks-crypto/target/benchmarks-crypto.jar [--ops 200] [--warmup 4] [--iterations 5] [--sizes 200,4096]</pre>
 */
public final class CryptoVsRust {

    private CryptoVsRust() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.parse(args), RustSide.defaultProject(), System.out);
    }

    /** The operations both sides measure, in report order. */
    static final List<String> OPS = List.of("megolmEncrypt", "megolmDecrypt", "olmEncrypt", "olmDecrypt");

    /**
     * Runs both halves, iteration by iteration and alternating which goes first, so load from other processes falls
     * on both alike; prints the report to {@code out} and returns the Java and Rust measurements in that order.
     */
    static List<List<Measurement>> run(Settings settings, Path interopCrypto, PrintStream out) throws Exception {
        out.printf("mxrtc Olm/Megolm vs Rust crypto, %s; %d ops per iteration, %d warm-up + %d measured iterations"
                        + " per side, Java and Rust iterations alternating%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), settings.ops(), settings.warmup(), settings.iterations());
        out.printf("machine: %d cores, load average before: %s%n", Runtime.getRuntime().availableProcessors(), load());
        JavaSide javaSide = new JavaSide();
        List<Measurement> java = new ArrayList<>();
        List<Measurement> rust = new ArrayList<>();
        try (RustSide rustSide = new RustSide(interopCrypto)) {
            out.printf("JDK %s; matrix-sdk-crypto-wasm %s on node %s%n", Runtime.version(), rustSide.wasmVersion(),
                    rustSide.nodeVersion());
            for (int size : settings.sizes()) {
                Map<String, List<Double>> j = new LinkedHashMap<>();
                Map<String, List<Double>> r = new LinkedHashMap<>();
                for (int it = 0; it < settings.warmup() + settings.iterations(); it++) {
                    Map<String, Double> jr;
                    Map<String, Double> rr;
                    if (it % 2 == 0) {
                        jr = javaSide.iteration(size, settings.ops());
                        rr = rustSide.iteration(size, settings.ops());
                    } else {
                        rr = rustSide.iteration(size, settings.ops());
                        jr = javaSide.iteration(size, settings.ops());
                    }
                    if (it >= settings.warmup()) {
                        jr.forEach((op, v) -> j.computeIfAbsent(op, k -> new ArrayList<>()).add(v));
                        rr.forEach((op, v) -> r.computeIfAbsent(op, k -> new ArrayList<>()).add(v));
                    }
                }
                j.forEach((op, v) -> java.add(new Measurement(op, size, v)));
                r.forEach((op, v) -> rust.add(new Measurement(op, size, v)));
            }
        }
        out.printf("done, load average after: %s%n", load());
        Map<String, Measurement> byKey = rust.stream().collect(Collectors.toMap(CryptoVsRust::key, Function.identity()));
        out.println();
        out.println("| operation | payload B | Java ops/s (median; range) | Rust ops/s (median; range) | Java/Rust |");
        out.println("|---|---:|---:|---:|---:|");
        for (Measurement jm : java) {
            Measurement rm = byKey.get(key(jm));
            if (rm == null) {
                throw new IllegalStateException("node reported no " + key(jm));
            }
            out.printf("| %s | %d | %.0f (%s) | %.0f (%s) | %.2f |%n", jm.op(), jm.size(), jm.median(), jm.spread(),
                    rm.median(), rm.spread(), jm.median() / rm.median());
        }
        for (Measurement rm : rust) {
            if (!OPS.contains(rm.op())) {
                out.printf("| %s (Rust only) | %d | – | %.0f (%s) | – |%n", rm.op(), rm.size(), rm.median(), rm.spread());
            }
        }
        return List.of(List.copyOf(java), List.copyOf(rust));
    }

    private static String key(Measurement m) {
        return m.op() + "@" + m.size();
    }

    /** The 1/5/15-minute load average (Linux), since the figures depend on what else runs. */
    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
