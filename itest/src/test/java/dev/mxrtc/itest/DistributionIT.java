package dev.mxrtc.itest;

import dev.mxrtc.testsupport.ForkedRuntime;
import dev.mxrtc.testsupport.ForkedRuntime.Result;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real distribution, forked: a temp copy of {@code target/mxrtc} run as a service by {@code bin/mxrtc}
 * on a free port (start, status, HTTP, a bundle deployed into {@code deploy/} that logs through SLF4J into
 * {@code log/mxrtc.log}, stop by SIGTERM within a bound), and {@code bin/mxrtc inspect} on a small file.
 */
public class DistributionIT {

    private static final Duration STOP_BOUND = Duration.ofSeconds(20);

    @Rule
    public final Timeout timeout = Timeout.seconds(150);

    private ForkedRuntime runtime;
    private Path home;

    @Before
    public void copyRuntime() throws IOException {
        runtime = ForkedRuntime.copy(MxrtcOptions.dist(), MxrtcOptions.workDir("dist"));
        home = runtime.home();
        assertTrue("bin/mxrtc is executable", Files.isExecutable(home.resolve("bin/mxrtc")));
    }

    @After
    public void stopIfStillRunning() throws Exception {
        if (home != null && Files.exists(home.resolve("run/mxrtc.pid"))) {
            mxrtc(Duration.ofSeconds(40), "stop");
        }
    }

    @Test
    public void startStatusDeployLogAndStop() throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        Result start = mxrtc(Duration.ofSeconds(90), "start", "MXRTC_HTTP_PORT=" + port);
        assertEquals(start.toString(), 0, start.code());
        System.out.println("dist: started in " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + start.out().trim());

        Result status = mxrtc(Duration.ofSeconds(10), "status");
        assertEquals(status.toString(), 0, status.code());
        assertTrue(status.out(), status.out().matches("(?s)mxrtc is running \\(pid \\d+\\)\\s*"));
        long pid = Long.parseLong(status.out().replaceAll("\\D", ""));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // the first request may wait for a busy machine's start-up work (H2, the account's registration): bounded
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("Jetty answers (no servlet at /)", 404, r.statusCode());

        // a DS component in a bundle dropped into deploy/ logs through SLF4J into log/mxrtc.log
        String marker = "dist-" + System.nanoTime();
        TestBundles.writeAtomically(home.resolve("deploy/hello.jar"), TestBundles.hello("1.0.0", marker));
        Path log = home.resolve("log/mxrtc.log");
        long ms = Waits.until("the component's log line in " + log, Duration.ofSeconds(15),
                () -> read(log).contains("itest hello component activated, marker=" + marker));
        System.out.println("dist: deployed bundle's DS component logged after " + ms + " ms");
        assertFalse("nothing logged at ERROR while starting:\n" + read(log), read(log).contains(" ERROR "));

        // a Config Admin file dropped into etc/ configures the component (FileInstall -> Config Admin -> DS)
        Files.writeString(home.resolve("etc/" + TestBundles.HELLO_BSN + ".cfg"), "marker = from-etc-" + marker + "\n");
        ms = Waits.until("the component reconfigured from etc/", Duration.ofSeconds(15),
                () -> read(log).contains("itest hello component activated, marker=from-etc-" + marker));
        System.out.println("dist: etc/*.cfg applied to the component after " + ms + " ms");

        t0 = System.nanoTime();
        Result stop = mxrtc(STOP_BOUND.plusSeconds(10), "stop");
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(stop.toString(), 0, stop.code());
        assertTrue("stopped within " + STOP_BOUND + ": " + stopMs + " ms", stopMs < STOP_BOUND.toMillis());
        System.out.println("dist: stopped by SIGTERM in " + stopMs + " ms");
        assertFalse("process " + pid + " is gone", ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        // a clean stop: the framework stopped the bundles (the component deactivated, Jetty stopped)
        String text = read(log);
        assertTrue(text, text.contains("itest hello component deactivated, marker=from-etc-" + marker));
        assertTrue(text, text.contains("Stopped Jetty"));
        assertFalse("nothing logged at ERROR while stopping either:\n" + text, text.contains(" ERROR "));
        assertTrue(read(home.resolve("log/console.log")), read(home.resolve("log/console.log")).contains("mxrtc: stopped in"));

        Result after = mxrtc(Duration.ofSeconds(10), "status");
        assertEquals(3, after.code());
        assertEquals("mxrtc is not running", after.out().trim());
    }

    @Test
    public void inspectPrintsTheSessions() throws Exception {
        Path input = home.resolve("inspect-input.json");
        try (InputStream in = DistributionIT.class.getResourceAsStream("/inspect/legacy-two-members.json")) {
            Files.write(input, in.readAllBytes());
        }
        Result r = mxrtc(Duration.ofSeconds(30), "inspect", input.toString(), "--now", "1767000000000");
        assertEquals(r.toString(), 0, r.code());
        ObjectMapper json = new ObjectMapper();
        JsonNode out = json.readTree(r.out());
        JsonNode expected;
        try (InputStream in = DistributionIT.class.getResourceAsStream("/inspect/legacy-two-members.expected.json")) {
            expected = json.readTree(in);
        }
        assertEquals(expected.get("sessions"), out.get("sessions"));
        assertEquals(expected.get("rejected"), out.get("rejected"));

        Result missing = mxrtc(Duration.ofSeconds(30), "inspect", home.resolve("no-such-file.json").toString());
        assertEquals(missing.toString(), 2, missing.code());
    }

    @Test
    public void statusSeesAForegroundRunAndSigtermStopsIt() throws Exception {
        // the README's run command ends in `bin/mxrtc run`: status must report that runtime too
        int port = freePort();
        Path out = home.resolve("run.out");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/mxrtc").toString(), "run")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("MXRTC_HTTP_PORT", Integer.toString(port));
        pb.environment().remove("MXRTC_OPTS");
        Process p = pb.start();
        try {
            Waits.until("the foreground runtime to start", Duration.ofSeconds(90), Duration.ofMillis(100),
                    () -> read(out).contains("mxrtc: started in"));
            Result status = mxrtc(Duration.ofSeconds(10), "status");
            assertEquals(status.toString(), 0, status.code());
            assertEquals("mxrtc is running (pid " + p.pid() + ")", status.out().trim());
        } finally {
            p.destroy(); // SIGTERM, as Ctrl-C or a supervisor would send
            if (!p.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/mxrtc run did not stop within " + STOP_BOUND + " of SIGTERM");
            }
        }
        Result after = mxrtc(Duration.ofSeconds(10), "status");
        assertEquals(after.toString(), 3, after.code());
    }

    @Test
    public void homeserverCommandRunsItStandalone() throws Exception {
        int port = freePort();
        Path data = home.resolve("hs-data");
        Path out = home.resolve("homeserver.out");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/mxrtc").toString(), "homeserver", "--port",
                Integer.toString(port), "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try {
            long ms = Waits.until("the standalone homeserver to listen", Duration.ofSeconds(60), Duration.ofMillis(50),
                    () -> read(out).contains("mxrtc-homeserver listening on http://127.0.0.1:" + port));
            System.out.println("dist: bin/mxrtc homeserver listening after " + ms + " ms");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/_matrix/client/versions")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body(), r.body().contains("org.matrix.msc4140"));
            assertTrue("its database is in --data-dir", Files.exists(data.resolve("homeserver.mv.db")));
            assertFalse("nothing from the OSGi runtime started", Files.exists(home.resolve("data/felix-cache")));
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook stops Jetty and closes the database
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/mxrtc homeserver did not stop within 20 s of SIGTERM");
            }
        }
    }

    /** Runs bin/mxrtc with this JVM's Java; extra "K=V" arguments after the command become environment. */
    private Result mxrtc(Duration max, String command, String... args) throws Exception {
        return runtime.mxrtc(max, command, args);
    }

    private static String read(Path p) {
        return ForkedRuntime.read(p);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
