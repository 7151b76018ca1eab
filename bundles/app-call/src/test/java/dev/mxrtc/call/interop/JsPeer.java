package dev.mxrtc.call.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A matrix-js-sdk 43 peer ({@code interop/call/peer.mjs}) in a node child process, one command at a time. */
final class JsPeer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    JsPeer() throws Exception {
        Path interop = Path.of(System.getProperty("mxrtc.interop.dir", "../../interop")).toAbsolutePath().normalize();
        Path script = interop.resolve("call/peer.mjs");
        if (!Files.isDirectory(interop.resolve("node_modules/matrix-js-sdk"))) {
            throw new AssertionError("matrix-js-sdk is not installed: run npm ci in " + interop);
        }
        // fails (does not skip) when node is missing: the round trips are the point of these tests
        process = new ProcessBuilder("node", script.toString()).directory(interop.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends a command and waits (bounded) for its answer; fails on an error answer. */
    JsonNode call(String cmd, Object... kv) throws Exception {
        ObjectNode msg = JSON.createObjectNode().put("cmd", cmd);
        for (int i = 0; i < kv.length; i += 2) {
            msg.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        in.write(msg + "\n");
        in.flush();
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("js-sdk peer exited during " + cmd);
        }
        JsonNode reply = JSON.readTree(line);
        if (!reply.path("ok").asBoolean()) {
            throw new AssertionError("js-sdk " + cmd + " failed: " + reply.path("error").asText());
        }
        return reply;
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                in.write("{\"cmd\":\"stop\"}\n");
                in.flush();
            }
        } catch (java.io.IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
