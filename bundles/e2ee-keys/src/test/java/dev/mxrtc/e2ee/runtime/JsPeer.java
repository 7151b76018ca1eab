package dev.mxrtc.e2ee.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A matrix-js-sdk 43 client with Rust crypto in a node process ({@code interop/e2ee/peer.mjs}): it registers, syncs,
 * and on command joins a room's MatrixRTC session with {@code manageMediaKeys}. Its JSON-line reports (keys js-sdk
 * emitted, to-device keys it decrypted) are collected for the test. Every wait is bounded.
 */
final class JsPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Adds the {@code devices} command to peer.mjs (see the script). */
    private static final Path DEVICES_COMMAND = Path.of("src/test/node/devices-command.mjs").toAbsolutePath();

    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
    private final StringBuilder stderrTail = new StringBuilder();

    private JsPeer(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread out = new Thread(this::readStdout, "js-" + name + "-out");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::readStderr, "js-" + name + "-err");
        err.setDaemon(true);
        err.start();
    }

    /** The interop node project, with {@code npm ci} run (bounded) when its node_modules is missing. */
    static Path interopDir() throws Exception {
        Path dir = Path.of(System.getProperty("mxrtc.interop", "../../interop")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules/matrix-js-sdk"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new AssertionError("npm ci failed in " + dir);
            }
        }
        return dir;
    }

    /** Starts the peer and waits (at most 60 s) until it is logged in with crypto up. */
    static JsPeer start(Path interop, String baseUrl, String localpart, String deviceId) throws Exception {
        Process p = new ProcessBuilder("node", "--import", DEVICES_COMMAND.toUri().toString(), "e2ee/peer.mjs",
                baseUrl, localpart, deviceId)
                .directory(interop.toFile()).start(); // no node: IOException, the test fails (never skipped)
        JsPeer peer = new JsPeer(localpart, p);
        try {
            peer.await(l -> "ready".equals(l.path("type").asText()), 60_000, "ready");
        } catch (AssertionError | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    @Override
    public String toString() {
        return "js-sdk peer " + name;
    }

    /**
     * Waits until this client's Rust crypto holds the device keys of {@code user}'s {@code deviceId}, asking again
     * every half second (a pending /keys/query answers later).
     */
    void awaitDeviceKnown(String user, String deviceId, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Predicate<JsonNode> known = l -> "devices".equals(l.path("type").asText()) && user.equals(l.path("user").asText())
                && l.path("devices").toString().contains("\"" + deviceId + "\"");
        while (lines.stream().noneMatch(known)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " does not know " + user + "/" + deviceId + " within " + timeoutMs
                        + " ms; lines " + lines + "\nstderr tail:\n" + stderrTail());
            }
            send("{\"cmd\":\"devices\",\"user\":\"" + user + "\"}");
            Thread.sleep(500);
        }
    }

    void send(String json) throws IOException {
        stdin.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    List<JsonNode> lines() {
        return List.copyOf(lines);
    }

    JsonNode await(Predicate<JsonNode> line, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Optional<JsonNode> found = lines.stream().filter(line).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited before " + what + "; stderr tail:\n" + stderrTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no " + what + " within " + timeoutMs + " ms; lines " + lines
                        + "\nstderr tail:\n" + stderrTail());
            }
            Thread.sleep(20);
        }
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null;) {
                try {
                    lines.add(JSON.readTree(l));
                } catch (IOException e) {
                    lines.add(JSON.createObjectNode().put("type", "garbage").put("text", l));
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null;) {
                synchronized (stderrTail) {
                    stderrTail.append(l).append('\n');
                    if (stderrTail.length() > 20_000) {
                        stderrTail.delete(0, stderrTail.length() - 20_000);
                    }
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    String stderrTail() {
        synchronized (stderrTail) {
            return stderrTail.length() > 4000 ? stderrTail.substring(stderrTail.length() - 4000) : stderrTail.toString();
        }
    }

    @Override
    public void close() {
        try {
            send("{\"cmd\":\"exit\"}");
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
