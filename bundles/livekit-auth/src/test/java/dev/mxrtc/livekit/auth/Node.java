package dev.mxrtc.livekit.auth;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node scripts of {@code interop-livekit-auth/} (LiveKit's own node server SDK, pinned in its
 * package-lock.json) and matrix-js-sdk 43 from {@code interop/}; installs either with {@code npm ci} when its
 * node_modules is missing. Needs node and npm: without them the tests fail rather than skip.
 */
final class Node {
    static final Path PROJECT = Path.of(System.getProperty("mxrtc.interop.dir", "../../interop-livekit-auth")).toAbsolutePath().normalize();
    static final Path JS_SDK = Path.of(System.getProperty("mxrtc.jssdk.dir", "../../interop")).toAbsolutePath().normalize();

    private Node() {}

    static void install() throws Exception {
        if (!Files.isDirectory(PROJECT.resolve("node_modules/livekit-server-sdk"))) {
            run(PROJECT, List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
        }
        if (!Files.isDirectory(JS_SDK.resolve("node_modules/matrix-js-sdk"))) {
            run(JS_SDK, List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
        }
    }

    /** Runs a script with one JSON command on stdin; answers its JSON reply (which must say ok). */
    static JsonNode script(String script, JsonNode command) throws Exception {
        String out = run(PROJECT, List.of("node", script), command.toString(), 60);
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
        JsonNode reply = TestWorld.JSON.readTree(last.isEmpty() ? "{}" : last);
        if (!reply.path("ok").asBoolean()) fail(script + " failed: " + reply.path("error").asText(out));
        return reply;
    }

    private static String run(Path dir, List<String> command, String stdin, int timeoutSeconds) throws Exception {
        Path err = Files.createTempFile("livekit-auth-node", ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            fail("cannot run " + command + " (node and npm are required for the LiveKit auth interop tests)", e);
            return "";
        }
        try {
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(command + " timed out after " + timeoutSeconds + " s:\n" + Files.readString(err));
            }
            String out = new String(stdout.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) fail(command + " exited " + p.exitValue() + ":\n" + out + Files.readString(err));
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
