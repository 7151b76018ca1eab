package dev.mxrtc.bench.crypto;

import java.util.Arrays;
import java.util.List;

/**
 * One run's parameters, the same for the Java and the Rust side.
 *
 * @param ops        operations per iteration (each iteration encrypts this many messages, then decrypts them)
 * @param warmup     iterations run first and not reported
 * @param iterations measured iterations; the median is reported
 * @param sizes      payload sizes (length of the event's {@code body} string)
 */
record Settings(int ops, int warmup, int iterations, List<Integer> sizes) {

    Settings {
        sizes = List.copyOf(sizes);
        if (ops < 1 || warmup < 0 || iterations < 1 || sizes.isEmpty()) {
            throw new IllegalArgumentException("need ops >= 1, warmup >= 0, iterations >= 1 and a size");
        }
    }

    static Settings defaults() {
        return new Settings(200, 4, 5, List.of(200, 4096));
    }

    /** {@code --ops N --warmup N --iterations N --sizes a,b}; anything not given keeps its default. */
    static Settings parse(String[] args) {
        Settings s = defaults();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            s = switch (args[i]) {
                case "--ops" -> new Settings(Integer.parseInt(v), s.warmup, s.iterations, s.sizes);
                case "--warmup" -> new Settings(s.ops, Integer.parseInt(v), s.iterations, s.sizes);
                case "--iterations" -> new Settings(s.ops, s.warmup, Integer.parseInt(v), s.sizes);
                case "--sizes" -> new Settings(s.ops, s.warmup, s.iterations,
                        Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList());
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --ops, --warmup, --iterations, --sizes)");
            };
        }
        return s;
    }
}
