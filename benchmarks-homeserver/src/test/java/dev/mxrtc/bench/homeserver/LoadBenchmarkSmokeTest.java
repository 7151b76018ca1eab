package dev.mxrtc.bench.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mxrtc.bench.homeserver.LoadBenchmark.Options;
import dev.mxrtc.bench.homeserver.LoadBenchmark.Report;
import dev.mxrtc.bench.homeserver.Scenario.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's own code at toy size against the real homeserver (in this JVM, to stay fast): every scenario
 * sends, every message reaches each of its receivers exactly once, and the report prints. The figures themselves
 * are not checked: they depend on the machine.
 */
@Timeout(90)
class LoadBenchmarkSmokeTest {

    @TempDir
    Path dir;

    @Test
    void tinyRunDeliversEveryMessageOnceAndReports() throws Exception {
        Options tiny = new Options(5, 2, 2, 5, Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1), 10,
                false, dir);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Report report = LoadBenchmark.run(tiny, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertEquals(4, report.results().size());
        assertTrue(report.noop().count() > 0 && report.noop().percentileMs(50) > 0);
        for (Result r : report.results()) {
            String name = r.plan().name();
            assertTrue(r.sent() > 0, name + ": nothing sent");
            assertTrue(r.expected() >= r.sent(), name + ": each message has at least one receiver");
            assertEquals(r.expected(), r.delivered(), name + ": lost deliveries");
            assertEquals(0, r.duplicates(), name + ": duplicate deliveries");
            assertEquals(0, r.errors(), name + ": failed requests");
            assertEquals(r.delivered(), r.delivery().count());
            assertTrue(r.delivery().percentileMs(50) > 0 && r.delivery().percentileMs(99) >= r.delivery().percentileMs(50));
            assertTrue(r.load().equals("n/a") || Double.parseDouble(r.load()) >= 0, name + ": load " + r.load());
        }
        // 5 receivers in 2 rooms: the load scenario's senders fan out to 3 and 2 receivers
        Result load = report.result("room load");
        assertTrue(load.expected() > load.sent(), "fan-out to several receivers per message");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("ratios (same run, same server)") && printed.contains("to-device load"), printed);
    }

    @Test
    void optionsParseAndRefuseNonsense() {
        Options o = LoadBenchmark.parse(new String[] {"--receivers", "7", "--rate", "0.5", "--in-process"});
        assertEquals(7, o.receivers());
        assertEquals(0.5, o.rate());
        assertTrue(!o.fork());
        assertEquals(50, o.senders(), "unset options keep the defaults");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoadBenchmark.parse(new String[] {"--senders", "0"}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoadBenchmark.parse(new String[] {"--bogus", "1"}));
    }
}
