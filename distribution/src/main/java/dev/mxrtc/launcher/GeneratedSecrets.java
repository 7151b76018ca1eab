package dev.mxrtc.launcher;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * First start: fills in the secrets the shipped configuration leaves open. A line {@code key = @GENERATE@} in an
 * {@code etc/*.cfg} file gets a random value (24 bytes from {@link SecureRandom}, base64url), and a line
 * {@code key = @GENERATE_HEX32@} gets 32 random bytes as 64 hex digits (a raw key, e.g. the crypto store key). The
 * value is written back to the file before the framework starts, so it is generated once and kept. The file is then
 * readable by its owner only. Used for the embedded Matrix account's password and the E2EE crypto store key: the
 * default configuration works out of the box without a secret anybody could read in the distribution.
 *
 * <p>Each generated value is also kept in an owner-only file beside the runtime's state ({@code data/}), by file and
 * key. A rebuild replaces {@code etc/} but keeps {@code data/}: the placeholder is then filled with the kept value, so
 * the crypto store written with the old key still opens and the account keeps its password.
 */
final class GeneratedSecrets {

    /** The placeholder a shipped configuration uses for a value to generate. */
    static final String PLACEHOLDER = "@GENERATE@";
    /** The placeholder for a 32-byte key written as 64 hex digits. */
    static final String PLACEHOLDER_HEX32 = "@GENERATE_HEX32@";

    private static final Pattern LINE = Pattern.compile("^(\\s*([^#!=\\s][^=]*?)\\s*=\\s*)("
            + Pattern.quote(PLACEHOLDER) + "|" + Pattern.quote(PLACEHOLDER_HEX32) + ")\\s*$", Pattern.MULTILINE);

    private final SecureRandom random;
    private final Path keep;

    /**
     * @param keep the owner-only file that keeps every generated value (created when the first one is generated)
     */
    GeneratedSecrets(SecureRandom random, Path keep) {
        this.random = random;
        this.keep = keep;
    }

    /**
     * @param etc the runtime's {@code etc/} directory
     * @return for each filled value, {@code file: key} plus {@code " (kept)"} when the kept value was reused (never
     *         the value)
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
        Properties kept = load(keep);
        boolean keptChanged = false;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = LINE.matcher(text);
            StringBuilder out = new StringBuilder();
            boolean changed = false;
            while (m.find()) {
                String id = file.getFileName() + ": " + m.group(2);
                String kind = PLACEHOLDER_HEX32.equals(m.group(3)) ? "hex32" : "b64";
                String value = kept.getProperty(kind + "|" + id);
                if (value == null) {
                    value = "hex32".equals(kind) ? hexKey() : secret();
                    kept.setProperty(kind + "|" + id, value);
                    keptChanged = true;
                    done.add(id);
                } else {
                    done.add(id + " (kept)");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + value));
                changed = true;
            }
            if (changed) {
                m.appendTail(out);
                write(file, out.toString());
            }
        }
        if (keptChanged) {
            StringWriter w = new StringWriter();
            kept.store(w, "values generated into etc/*.cfg at first start (bin/mxrtc); reused after a rebuild");
            Files.createDirectories(keep.getParent());
            write(keep, w.toString());
        }
        return done;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        }
        return p;
    }

    private String secret() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String hexKey() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
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
