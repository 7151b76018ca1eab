package dev.mxrtc.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedSecretsTest {

    @TempDir
    Path etc;
    @TempDir
    Path data;

    private GeneratedSecrets secrets;

    @org.junit.jupiter.api.BeforeEach
    void secrets() {
        secrets = new GeneratedSecrets(new SecureRandom(), data.resolve("generated-secrets.properties"));
    }

    @Test
    void fillsThePlaceholderOnceKeepsTheRestAndHidesTheFile() throws IOException {
        Path cfg = etc.resolve("dev.mxrtc.matrix.client-mxrtc.cfg");
        Files.writeString(cfg, """
                # the password is generated at first start
                user_id = @mxrtc:localhost
                password = @GENERATE@
                other=@GENERATE@
                note = keep @GENERATE@ inside text
                """);
        Files.writeString(etc.resolve("untouched.cfg"), "a = b\n");
        Files.writeString(etc.resolve("not-a-cfg.txt"), "password = @GENERATE@\n");

        List<String> done = secrets.fill(etc);

        assertEquals(List.of("dev.mxrtc.matrix.client-mxrtc.cfg: password", "dev.mxrtc.matrix.client-mxrtc.cfg: other"),
                done);
        String text = Files.readString(cfg);
        String password = value(text, "password");
        String other = value(text, "other");
        assertTrue(password.matches("[A-Za-z0-9_-]{32}"), password);
        assertNotEquals(password, other, "each placeholder gets its own value");
        assertTrue(text.startsWith("# the password is generated at first start\nuser_id = @mxrtc:localhost\n"), text);
        assertTrue(text.contains("note = keep @GENERATE@ inside text\n"), "only whole values are placeholders");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg)));
        assertEquals("a = b\n", Files.readString(etc.resolve("untouched.cfg")));
        assertEquals("password = @GENERATE@\n", Files.readString(etc.resolve("not-a-cfg.txt")));

        // the second start keeps the generated values
        assertEquals(List.of(), secrets.fill(etc));
        assertEquals(text, Files.readString(cfg));
        try (var left = Files.list(etc)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void aHexKeyPlaceholderGetsThirtyTwoRandomBytesInHex() throws IOException {
        Path cfg = etc.resolve("dev.mxrtc.e2ee.runtime.cfg");
        Files.writeString(cfg, "store_key = @GENERATE_HEX32@\nother_key=@GENERATE_HEX32@\n");
        Path cfg2 = etc.resolve("second.cfg");
        Files.writeString(cfg2, "store_key = @GENERATE_HEX32@\n");

        assertEquals(List.of("dev.mxrtc.e2ee.runtime.cfg: store_key", "dev.mxrtc.e2ee.runtime.cfg: other_key",
                "second.cfg: store_key"), secrets.fill(etc));

        String key = value(Files.readString(cfg), "store_key");
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        assertNotEquals(key, value(Files.readString(cfg), "other_key"));
        assertNotEquals(key, value(Files.readString(cfg2), "store_key"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg)));
        assertEquals(List.of(), secrets.fill(etc));
    }

    @Test
    void aFreshEtcAfterARebuildGetsTheKeptValuesAgain() throws IOException {
        String shipped = "password = @GENERATE@\nstore_key = @GENERATE_HEX32@\n";
        Path cfg = etc.resolve("a.cfg");
        Files.writeString(cfg, shipped);
        assertEquals(List.of("a.cfg: password", "a.cfg: store_key"), secrets.fill(etc));
        String first = Files.readString(cfg);
        Path kept = data.resolve("generated-secrets.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));

        Files.writeString(cfg, shipped); // a rebuild: etc/ is shipped again, data/ stays
        assertEquals(List.of("a.cfg: password (kept)", "a.cfg: store_key (kept)"), secrets.fill(etc));
        assertEquals(first, Files.readString(cfg));

        Files.delete(kept); // a fresh data/: new values
        Files.writeString(cfg, shipped);
        assertEquals(List.of("a.cfg: password", "a.cfg: store_key"), secrets.fill(etc));
        assertNotEquals(value(first, "store_key"), value(Files.readString(cfg), "store_key"));
    }

    @Test
    void aMissingDirectoryIsNothingToDo() throws IOException {
        assertEquals(List.of(), secrets.fill(etc.resolve("missing")));
    }

    private static String value(String text, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "\\s*=\\s*(\\S+)$").matcher(text);
        assertTrue(m.find(), key + " in " + text);
        return m.group(1);
    }
}
