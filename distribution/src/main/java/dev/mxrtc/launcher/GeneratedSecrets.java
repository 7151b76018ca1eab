package dev.mxrtc.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * First start: fills in the secrets the shipped configuration leaves open. A line {@code key = @GENERATE@} in an
 * {@code etc/*.cfg} file gets a random value (24 bytes from {@link SecureRandom}, base64url), written back to the
 * file before the framework starts, so the value is generated once and kept. The file is then readable by its owner
 * only. Used for the embedded Matrix account's password: the default configuration works out of the box without a
 * password anybody could read in the distribution.
 */
final class GeneratedSecrets {

    /** The placeholder a shipped configuration uses for a value to generate. */
    static final String PLACEHOLDER = "@GENERATE@";

    private static final Pattern LINE = Pattern.compile("^(\\s*([^#!=\\s][^=]*?)\\s*=\\s*)" + Pattern.quote(PLACEHOLDER)
            + "\\s*$", Pattern.MULTILINE);

    private final SecureRandom random;

    GeneratedSecrets(SecureRandom random) {
        this.random = random;
    }

    /**
     * @param etc the runtime's {@code etc/} directory
     * @return for each generated value, {@code file: key} (never the value)
     * @throws IOException if a file cannot be read or written
     */
    List<String> fill(Path etc) throws IOException {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(etc)) {
            return done;
        }
        List<Path> files;
        try (Stream<Path> all = Files.list(etc)) {
            files = all.filter(p -> p.getFileName().toString().endsWith(".cfg")).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = LINE.matcher(text);
            StringBuilder out = new StringBuilder();
            boolean changed = false;
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + secret()));
                done.add(file.getFileName() + ": " + m.group(2));
                changed = true;
            }
            if (changed) {
                m.appendTail(out);
                write(file, out.toString());
            }
        }
        return done;
    }

    private String secret() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Owner-only file, moved into place atomically (FileInstall must never read half a file). */
    private static void write(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".secret", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the temp file is created owner-only where the platform supports it
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
