package dev.mxrtc.matrix.okhttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * An account's persistent client state in its data directory: the sync since token ({@code since}) and the
 * session ({@code session.json}, owner-readable only, as every Matrix client keeps its access token). Each file is
 * written atomically: a temporary file in the same directory, forced to disk, then renamed over the old one, so a
 * crash leaves the old or the new value, never a torn one.
 */
final class StateFiles {

    private final Path dir;

    StateFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Optional<String> since() {
        return read("since");
    }

    void saveSince(String token) {
        write("since", token, false);
    }

    Optional<String> session() {
        return read("session.json");
    }

    void saveSession(String json) {
        write("session.json", json, true);
    }

    void deleteSession() {
        try {
            Files.deleteIfExists(dir.resolve("session.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<String> read(String name) {
        Path f = dir.resolve(name);
        try {
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    private void write(String name, String value, boolean secret) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(name + ".tmp");
            Files.deleteIfExists(tmp);
            if (secret && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }
}
