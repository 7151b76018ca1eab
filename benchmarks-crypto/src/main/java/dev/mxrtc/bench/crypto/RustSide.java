package dev.mxrtc.bench.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Rust half: {@code interop-crypto/bench-crypto.mjs} (matrix-sdk-crypto-wasm in node) as a child process, asked
 * for one iteration at a time over a JSON line protocol, so its iterations can alternate with Java's.
 */
final class RustSide implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 300;
    private static final String EOF = "\u0000eof";

    private final ObjectMapper json = new ObjectMapper();
    private final Process node;
    private final BufferedWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final String nodeVersion;
    private final String wasmVersion;

    /** Starts node in {@code project} (the {@code interop-crypto} directory; {@code npm ci} if it has no node_modules). */
    RustSide(Path project) throws IOException, InterruptedException {
        if (!Files.isRegularFile(project.resolve("bench-crypto.mjs"))) {
            throw new IllegalStateException("no bench-crypto.mjs in " + project
                    + ": run from the repository root or pass -Dmxrtc.interopCrypto=<path to interop-crypto>");
        }
        if (!Files.isDirectory(project.resolve("node_modules"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(project.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!npm.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci failed in " + project);
            }
        }
        node = new ProcessBuilder("node", "bench-crypto.mjs").directory(project.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        stdin = new BufferedWriter(new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().name("bench-crypto-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process went away; EOF below tells the waiting side
            }
            lines.add(EOF);
        });
        JsonNode ready = next();
        nodeVersion = ready.path("node").asText();
        wasmVersion = ready.path("wasm").asText();
    }

    /** {@code -Dmxrtc.interopCrypto=...}, else {@code interop-crypto} under the working directory. */
    static Path defaultProject() {
        return Path.of(System.getProperty("mxrtc.interopCrypto", "interop-crypto")).toAbsolutePath();
    }

    String nodeVersion() {
        return nodeVersion;
    }

    String wasmVersion() {
        return wasmVersion;
    }

    /** One iteration at one payload size in node: ops/s of each operation (plus {@code emptySync}). */
    Map<String, Double> iteration(int size, int ops) throws IOException, InterruptedException {
        stdin.write("{\"size\":" + size + ",\"ops\":" + ops + "}\n");
        stdin.flush();
        Map<String, Double> rates = new LinkedHashMap<>();
        next().properties().forEach(e -> rates.put(e.getKey(), e.getValue().asDouble()));
        return rates;
    }

    private JsonNode next() throws IOException, InterruptedException {
        String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null || line.equals(EOF)) {
            throw new IllegalStateException(line == null ? "node did not answer in " + TIMEOUT_SECONDS + " s"
                    : "node exited (see its stderr above)");
        }
        return json.readTree(line);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
    }
}
