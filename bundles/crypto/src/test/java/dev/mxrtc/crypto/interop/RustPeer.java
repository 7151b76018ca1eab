package dev.mxrtc.crypto.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real Rust crypto (matrix-sdk-crypto-wasm, the version matrix-js-sdk 43.0.0 resolves) in a node child process,
 * driven by {@code interop-crypto/rust-peer.mjs} over JSON lines. Not a test double: the other implementation
 * itself. Fails (never skips) when node or the npm package is unavailable.
 */
final class RustPeer implements AutoCloseable {
    private static final long REPLY_TIMEOUT_SECONDS = 60;

    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private int nextId;

    RustPeer() throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("mxrtc.interopCrypto", "../../interop-crypto")).toAbsolutePath()
                .normalize();
        if (!Files.isDirectory(project.resolve("node_modules/@matrix-org/matrix-sdk-crypto-wasm"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(project.toFile())
                    .redirectErrorStream(true).redirectOutput(Path.of("target/npm-ci.log").toFile()).start();
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci failed in " + project + ", see target/npm-ci.log");
            }
        }
        process = new ProcessBuilder("node", "rust-peer.mjs").directory(project.toFile())
                .redirectError(Path.of("target/rust-peer.log").toFile()).start();
        stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("{\"ok\":false,\"error\":\"stdout closed\"}");
            }
        }, "rust-peer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    ObjectNode command(String name) {
        return json.createObjectNode().put("cmd", name);
    }

    JsonNode parse(String text) throws IOException {
        return json.readTree(text);
    }

    /** Sends a command and waits (bounded) for its reply; a failed command throws with node's error. */
    JsonNode call(ObjectNode command) throws IOException, InterruptedException {
        int id = ++nextId;
        command.put("id", id);
        stdin.write((command.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        String line = lines.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("no reply from the Rust peer to " + command.get("cmd")
                    + " within " + REPLY_TIMEOUT_SECONDS + " s (see target/rust-peer.log)");
        }
        JsonNode reply = json.readTree(line);
        if (!reply.path("ok").asBoolean() || reply.path("id").asInt() != id) {
            throw new IllegalStateException("Rust peer failed " + command.get("cmd") + ": " + reply.path("error"));
        }
        return reply;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process may already be gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
