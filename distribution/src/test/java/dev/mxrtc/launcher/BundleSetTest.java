package dev.mxrtc.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleSetTest {

    @TempDir
    Path dir;

    @Test
    void bootJarsFirstAtLevelOneThenTheRestByName() throws IOException {
        Files.createDirectories(dir.resolve("boot"));
        for (String f : List.of("boot/slf4j-api.jar", "boot/asm.jar", "z.jar", "a.jar", "notes.txt")) {
            Files.writeString(dir.resolve(f), "");
        }
        List<BundleSet.BundleJar> jars = BundleSet.scan(dir);
        assertEquals(List.of("asm.jar:1", "slf4j-api.jar:1", "a.jar:2", "z.jar:2"),
                jars.stream().map(j -> j.path().getFileName() + ":" + j.startLevel()).toList());
        assertEquals(dir.resolve("a.jar").toUri().toString(), jars.get(2).location());
    }

    @Test
    void anEmptyBundleDirIsAnError() {
        assertThrows(IOException.class, () -> BundleSet.scan(dir));
    }
}
