package dev.mxrtc.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks the corpus against the implementation every Element Call user runs: {@code interop/rtc-sessions.mjs}
 * builds a real matrix-js-sdk 43.0.0 {@code Room} from each case and prints what js-sdk's own
 * {@code MatrixRTCSession.sessionMembershipsForSlot} and {@code getFocusInUse} compute. For every case without
 * {@code jssdk_differs}, that must equal {@code expected.sessions}; for every case with it, js-sdk must really
 * compute something else (so no mark outlives its reason).
 *
 * <p>Needs node (20 or newer) on the PATH: without it this test fails rather than skips. It runs
 * {@code npm ci} in {@code interop/} first when {@code interop/node_modules} lacks matrix-js-sdk.
 */
class JsSdkCrossCheckTest {

    private static final String JSSDK_VERSION = "43.0.0";
    private static final long NPM_CI_TIMEOUT_SECONDS = 300;
    private static final long NODE_TIMEOUT_SECONDS = 120;

    @TestFactory
    @Timeout(value = NPM_CI_TIMEOUT_SECONDS + NODE_TIMEOUT_SECONDS + 30, unit = TimeUnit.SECONDS)
    List<DynamicTest> jssdkComputesTheExpectedSessions() throws Exception {
        Path interop = interopDirectory();
        requireNode(interop);
        installJsSdkIfMissing(interop);
        JsonNode output = runJsSdk(interop, Corpus.directory());
        assertEquals(JSSDK_VERSION, output.path("jssdk_version").asText(), "interop/ must run matrix-js-sdk " + JSSDK_VERSION);

        Map<String, JsonNode> byFile = new HashMap<>();
        output.path("cases").forEach(r -> byFile.put(r.path("file").asText(), r));
        List<Corpus.Case> cases = Corpus.cases();
        assertEquals(cases.size(), byFile.size(), "js-sdk must report every case once");

        List<DynamicTest> tests = new ArrayList<>();
        for (Corpus.Case c : cases) {
            String file = c.file().getFileName().toString();
            JsonNode jssdk = byFile.get(file);
            tests.add(DynamicTest.dynamicTest(file, () -> check(c, jssdk)));
        }
        return tests;
    }

    private static void check(Corpus.Case c, JsonNode jssdk) {
        assertTrue(jssdk != null, "js-sdk did not report " + c.file().getFileName());
        JsonNode expected = c.expected().path("sessions");
        JsonNode computed = jssdk.path("sessions");
        boolean same = !jssdk.has("error") && Corpus.sameJson(expected, computed);
        if (c.jssdkDiffers().isPresent()) {
            assertFalse(same, c.name() + " is marked jssdk_differs, but js-sdk " + JSSDK_VERSION
                    + " computes the expected sessions: remove the mark (" + c.jssdkDiffers().get() + ")");
            return;
        }
        assertFalse(jssdk.has("error"), c.name() + ": js-sdk failed: " + jssdk.path("error").asText());
        if (!same) {
            assertEquals(Corpus.pretty(expected), Corpus.pretty(computed),
                    c.name() + ": js-sdk " + JSSDK_VERSION + " computes other sessions than expected");
        }
    }

    /** @return the repository's interop/ directory, found upwards from the working directory */
    private static Path interopDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("interop/rtc-sessions.mjs"))) {
                return dir.resolve("interop");
            }
        }
        return fail("no interop/rtc-sessions.mjs above " + Path.of("").toAbsolutePath());
    }

    private static void requireNode(Path interop) throws InterruptedException {
        try {
            Result r = run(interop, 30, "node", "--version");
            assertEquals(0, r.exit(), "node --version failed: " + r.stderr());
        } catch (IOException e) {
            fail("node is not installed (or not on the PATH): the js-sdk cross-check needs node 20 or newer"
                    + " to run matrix-js-sdk " + JSSDK_VERSION + " (" + e.getMessage() + ")");
        }
    }

    private static void installJsSdkIfMissing(Path interop) throws IOException, InterruptedException {
        if (Files.isRegularFile(interop.resolve("node_modules/matrix-js-sdk/package.json"))) {
            return;
        }
        Result r;
        try {
            r = run(interop, NPM_CI_TIMEOUT_SECONDS, "npm", "ci", "--no-audit", "--no-fund");
        } catch (IOException e) {
            r = fail("npm is not installed (or not on the PATH): cannot install interop/ (" + e.getMessage() + ")");
        }
        assertEquals(0, r.exit(), "npm ci in " + interop + " failed:\n" + r.stderr());
    }

    private static JsonNode runJsSdk(Path interop, Path corpus) throws IOException, InterruptedException {
        Result r = run(interop, NODE_TIMEOUT_SECONDS, "node", "rtc-sessions.mjs", corpus.toString());
        assertEquals(0, r.exit(), "node rtc-sessions.mjs failed:\n" + tail(r.stderr()));
        return Corpus.JSON.readTree(r.stdout());
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** Runs a command with a bounded wait; output goes through files so neither pipe can fill up and block. */
    private static Result run(Path dir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mxrtc-interop", ".out");
        Path err = Files.createTempFile("mxrtc-interop", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }
}
