package dev.mxrtc.bench.crypto;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Olm and Megolm ops/s of {@code dev.mxrtc.crypto} and of the Rust crypto binding in one run, one after the other
 * (Java first, then node), with the same operations, payload sizes, warm-up and iterations; prints a Markdown table
 * with each median and the Java/Rust ratio. Run from the repository root:
 * <pre>java -jar benchmarks-crypto/target/benchmarks-crypto.jar [--ops 200] [--warmup 5] [--iterations 7] [--sizes 200,4096]</pre>
 */
public final class CryptoVsRust {

    private CryptoVsRust() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.parse(args), RustSide.defaultProject(), System.out);
    }

    /** Runs both halves and prints the report to {@code out}; returns the Java and Rust measurements in that order. */
    static List<List<Measurement>> run(Settings settings, Path interopCrypto, PrintStream out) throws Exception {
        out.printf("mxrtc Olm/Megolm vs Rust crypto, %s; %d ops per iteration, %d warm-up + %d measured iterations%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), settings.ops(), settings.warmup(), settings.iterations());
        out.printf("machine: %d cores, load average before: %s%n", Runtime.getRuntime().availableProcessors(), load());
        List<Measurement> java = new JavaSide().run(settings);
        out.printf("Java done (JDK %s), load average: %s%n", Runtime.version(), load());
        RustSide.Report rust = new RustSide(interopCrypto).run(settings);
        out.printf("Rust done (matrix-sdk-crypto-wasm %s, node %s), load average: %s%n", rust.wasm(), rust.node(), load());
        Map<String, Measurement> byKey = rust.measurements().stream()
                .collect(Collectors.toMap(CryptoVsRust::key, Function.identity()));
        out.println();
        out.println("| operation | payload B | Java ops/s (median; range) | Rust ops/s (median; range) | Java/Rust |");
        out.println("|---|---:|---:|---:|---:|");
        for (Measurement j : java) {
            Measurement r = byKey.get(key(j));
            if (r == null) {
                throw new IllegalStateException("node reported no " + key(j));
            }
            out.printf("| %s | %d | %.0f (%s) | %.0f (%s) | %.2f |%n", j.op(), j.size(), j.median(), j.spread(),
                    r.median(), r.spread(), j.median() / r.median());
        }
        for (Measurement r : rust.measurements()) {
            if (java.stream().noneMatch(j -> key(j).equals(key(r)))) {
                out.printf("| %s (Rust only) | %d | – | %.0f (%s) | – |%n", r.op(), r.size(), r.median(), r.spread());
            }
        }
        return List.of(java, rust.measurements());
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
