package dev.mxrtc.bench.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Rust half: runs {@code interop-crypto/bench-crypto.mjs} (matrix-sdk-crypto-wasm in node) as a child process
 * with the same settings and reads its one JSON line. Nothing else runs while it does: the Java half has finished.
 */
final class RustSide {
    private static final long TIMEOUT_MINUTES = 10;

    /** What node reported: its version, the binding's version and the measurements. */
    record Report(String node, String wasm, List<Measurement> measurements) {
        Report {
            measurements = List.copyOf(measurements);
        }
    }

    private final Path project;

    /** @param project the {@code interop-crypto} directory (its {@code node_modules} is installed if missing) */
    RustSide(Path project) {
        this.project = project;
    }

    /** {@code -Dmxrtc.interopCrypto=...}, else {@code interop-crypto} under the working directory. */
    static Path defaultProject() {
        return Path.of(System.getProperty("mxrtc.interopCrypto", "interop-crypto")).toAbsolutePath();
    }

    Report run(Settings settings) throws IOException, InterruptedException {
        if (!Files.isRegularFile(project.resolve("bench-crypto.mjs"))) {
            throw new IllegalStateException("no bench-crypto.mjs in " + project
                    + ": run from the repository root or pass -Dmxrtc.interopCrypto=<path to interop-crypto>");
        }
        if (!Files.isDirectory(project.resolve("node_modules"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
        List<String> cmd = new ArrayList<>(List.of("node", "bench-crypto.mjs"));
        cmd.addAll(settings.asArgs());
        String out = exec(cmd);
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow(
                () -> new IllegalStateException("node printed nothing"));
        JsonNode root = new ObjectMapper().readTree(last);
        List<Measurement> ms = new ArrayList<>();
        for (JsonNode r : root.path("results")) {
            List<Double> rates = new ArrayList<>();
            r.path("opsPerSec").forEach(v -> rates.add(v.asDouble()));
            ms.add(new Measurement(r.path("op").asText(), r.path("size").asInt(), rates));
        }
        return new Report(root.path("node").asText(), root.path("wasm").asText(), ms);
    }

    /** Runs a command in the project directory; its stderr goes to ours, its stdout is returned. */
    private String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(project.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return in.readAllBytes(); // ends when the child exits or closes stdout
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " did not finish in " + TIMEOUT_MINUTES + " min");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " exited with " + p.exitValue());
        }
        return new String(out.join(), StandardCharsets.UTF_8);
    }
}
