package dev.mxrtc.livekit.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tests' log capture: slf4j-simple writes every log line of the test JVM (debug level for this bundle) to the
 * file surefire names in {@code mxrtc.test.log}; secrets, OpenID tokens and JWTs the tests used must not be in it.
 */
final class LogCheck {
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private LogCheck() {}

    static void remember(String secret) {
        if (secret != null && secret.length() >= 8) SEEN.add(secret);
    }

    static void assertNoSecrets(String... more) throws Exception {
        Path log = Path.of(System.getProperty("mxrtc.test.log", "target/test.log"));
        assertTrue(Files.exists(log), "log capture file " + log);
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(text.contains("dev.mxrtc.livekit.auth"), "the service's own logs are captured");
        for (String s : more) remember(s);
        for (String s : SEEN) {
            assertFalse(text.contains(s), "a secret or token appears in the logs: " + s.substring(0, 4) + "…");
        }
    }
}
