package dev.mxrtc.bench.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole benchmark at toy size (real Java crypto, real node + wasm): both halves measure every operation. */
class CryptoVsRustSmokeTest {

    @Test
    @Timeout(120)
    void bothSidesMeasureEveryOperation() throws Exception {
        Settings tiny = new Settings(10, 0, 1, List.of(16));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<List<Measurement>> result = CryptoVsRust.run(tiny, RustSide.defaultProject(),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String report = buf.toString(StandardCharsets.UTF_8);
        List<String> ops = CryptoVsRust.OPS;
        assertEquals(ops, result.get(0).stream().map(Measurement::op).toList());
        assertTrue(result.get(1).stream().map(Measurement::op).toList().containsAll(ops), result.get(1).toString());
        for (List<Measurement> side : result) {
            side.forEach(m -> assertTrue(m.median() > 0, m.toString()));
        }
        assertEquals(4, report.lines().filter(l -> l.startsWith("| ") && l.contains(" | 16 | ") && !l.contains("Rust only"))
                .count(), report);
    }

    @Test
    void settingsParseAndMedian() {
        Settings s = Settings.parse(new String[] {"--ops", "7", "--sizes", "1,2"});
        assertEquals(new Settings(7, 4, 5, List.of(1, 2)), s);
        assertEquals(2.5, new Measurement("x", 1, List.of(4.0, 1.0, 2.0, 3.0)).median());
        assertEquals(3.0, new Measurement("x", 1, List.of(5.0, 1.0, 3.0)).median());
    }
}
