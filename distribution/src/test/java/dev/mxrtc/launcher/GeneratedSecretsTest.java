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

    private final GeneratedSecrets secrets = new GeneratedSecrets(new SecureRandom());

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
    void aMissingDirectoryIsNothingToDo() throws IOException {
        assertEquals(List.of(), secrets.fill(etc.resolve("missing")));
    }

    private static String value(String text, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "\\s*=\\s*(\\S+)$").matcher(text);
        assertTrue(m.find(), key + " in " + text);
        return m.group(1);
    }
}
