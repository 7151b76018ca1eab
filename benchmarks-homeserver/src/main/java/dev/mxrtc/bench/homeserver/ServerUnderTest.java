package dev.mxrtc.bench.homeserver;

import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The homeserver under load: the standalone launcher in a forked JVM (the default: its CPU time is its own and
 * measurable, its garbage collector does not pause the clients) or in this JVM (for the smoke test).
 */
sealed interface ServerUnderTest extends AutoCloseable permits ServerUnderTest.Forked, ServerUnderTest.InProcess {

    String SERVER_NAME = "bench.local";

    /** @return {@code http://127.0.0.1:PORT} */
    String baseUrl();

    /** @return the CPU time the server process used so far, if the OS tells */
    Optional<Duration> cpuTime();

    @Override
    void close();

    static ServerUnderTest start(boolean fork, Path dataDir) throws Exception {
        return fork ? Forked.start(dataDir) : new InProcess(new HomeserverMain(
                HomeserverConfig.defaults(SERVER_NAME, dataDir), "127.0.0.1", 0));
    }

    /** {@link HomeserverMain} in this JVM. */
    record InProcess(HomeserverMain main) implements ServerUnderTest {
        @Override
        public String baseUrl() {
            return "http://127.0.0.1:" + main.port();
        }

        @Override
        public Optional<Duration> cpuTime() {
            return Optional.empty();
        }

        @Override
        public void close() {
            main.close();
        }
    }

    /** {@link HomeserverMain} in a child JVM on this JVM's class path; its output goes to {@code server.log}. */
    record Forked(Process process, String baseUrl) implements ServerUnderTest {
        private static final Pattern READY = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

        static Forked start(Path dataDir) throws Exception {
            Files.createDirectories(dataDir);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g"));
            // extra JVM options for the server, e.g. -Dbench.server.jvm="-XX:StartFlightRecording=filename=hs.jfr"
            String extra = System.getProperty("bench.server.jvm", "").trim();
            if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HomeserverMain.class.getName(),
                    "--port", "0", "--bind", "127.0.0.1", "--server-name", SERVER_NAME, "--data-dir", dataDir.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            Path log = dataDir.resolve("server.log");
            Thread pump = new Thread(() -> pump(p, log, ready), "homeserver-output");
            pump.setDaemon(true);
            pump.start();
            try {
                return new Forked(p, ready.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException("the forked homeserver did not start; see " + log, e);
            }
        }

        private static void pump(Process p, Path log, CompletableFuture<String> ready) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) ready.complete(m.group(1));
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the server's output ended"));
        }

        @Override
        public Optional<Duration> cpuTime() {
            return process.info().totalCpuDuration();
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
