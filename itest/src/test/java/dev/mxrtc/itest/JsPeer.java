package dev.mxrtc.itest;

import dev.mxrtc.testsupport.ForkedRuntime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One matrix-js-sdk 43 client in its own node process ({@code interop/runtime/peer.mjs}), driven one JSON line
 * per command. Each answer is awaited with a bound; js-sdk's stderr goes to a file next to the runtime.
 */
final class JsPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode EOF = JSON.createObjectNode().put("ok", false).put("error", "peer exited");

    private final String name;
    private final Process process;
    private final OutputStream in;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    private final Path stderr;

    private JsPeer(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.in = process.getOutputStream();
        this.stderr = stderr;
        Thread reader = new Thread(this::readAnswers, "js-peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** The interop node project (failsafe sets mxrtc.interop.dir); its node_modules must be installed. */
    static Path interopDir() {
        Path dir = Path.of(System.getProperty("mxrtc.interop.dir", "../interop")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules/matrix-js-sdk"))) {
            throw new AssertionError("matrix-js-sdk is not installed: run npm ci in " + dir);
        }
        return dir;
    }

    static JsPeer start(String name, Path logDir) throws IOException {
        Path interop = interopDir();
        Path stderr = logDir.resolve("js-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder("node", interop.resolve("runtime/peer.mjs").toString())
                .directory(interop.toFile())
                .redirectError(stderr.toFile());
        return new JsPeer(name, pb.start(), stderr);
    }

    long pid() {
        return process.pid();
    }

    /** Sends a command and waits (bounded) for its answer; an {@code ok:false} answer fails the test. */
    JsonNode call(Duration max, String cmd, Map<String, ?> args) throws IOException, InterruptedException {
        ObjectNode msg = JSON.valueToTree(args);
        msg.put("cmd", cmd);
        in.write((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        JsonNode answer = answers.poll(max.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            throw new AssertionError(name + ": no answer to " + cmd + " within " + max + "; stderr tail:\n" + tail());
        }
        if (!answer.path("ok").asBoolean()) {
            throw new AssertionError(name + ": " + cmd + " failed: " + answer.path("error").asText() + "\n" + tail());
        }
        return answer;
    }

    JsonNode call(String cmd, Map<String, ?> args) throws IOException, InterruptedException {
        return call(Duration.ofSeconds(30), cmd, args);
    }

    /** SIGKILL: the process dies without leaving anything (no leave event, no cancelled delayed event). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die within 10 s of SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                call(Duration.ofSeconds(5), "stop", Map.of());
            } catch (IOException | AssertionError e) {
                // the process is killed below anyway
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private void readAnswers() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    answers.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        answers.add(EOF);
    }

    private String tail() {
        String text = ForkedRuntime.read(stderr);
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }
}
