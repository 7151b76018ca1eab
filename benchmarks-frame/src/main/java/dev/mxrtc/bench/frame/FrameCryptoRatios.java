package dev.mxrtc.bench.frame;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link FrameCryptoBenchmark} once and prints each format's throughput as a ratio to raw JDK AES-GCM
 * of the same key size and frame size from the same run (CTR-HMAC against AES-128-GCM).
 */
public final class FrameCryptoRatios {

    private FrameCryptoRatios() {
    }

    public static void main(String[] args) throws RunnerException {
        Options opts = new OptionsBuilder().include(FrameCryptoBenchmark.class.getSimpleName()).build();
        Collection<RunResult> results = new Runner(opts).run();
        Map<String, Map<String, Double>> bySize = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            String size = r.getParams().getParam("size");
            bySize.computeIfAbsent(size, s -> new TreeMap<>()).put(name, r.getPrimaryResult().getScore());
        }
        System.out.println();
        System.out.println("| frame bytes | benchmark | ops/s | baseline | ratio |");
        System.out.println("|---:|---|---:|---|---:|");
        bySize.entrySet().stream()
                .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))))
                .forEach(e -> e.getValue().forEach((name, score) -> {
                    if (name.startsWith("jdk")) {
                        System.out.printf("| %s | %s | %.0f | – | – |%n", e.getKey(), name, score);
                        return;
                    }
                    String base = name.contains("256") ? "jdkAesGcm256" : "jdkAesGcm128";
                    double b = e.getValue().get(base);
                    System.out.printf("| %s | %s | %.0f | %s | %.2f |%n", e.getKey(), name, score, base, score / b);
                }));
    }
}
