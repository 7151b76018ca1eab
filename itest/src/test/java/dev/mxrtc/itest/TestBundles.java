package dev.mxrtc.itest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import dev.mxrtc.itest.focusv2.LastPreferredOldestMembership;
import dev.mxrtc.itest.hot.HelloComponent;

/** Builds the bundles the tests install at run time, with plain java.util.jar (works in and outside OSGi). */
final class TestBundles {

    static final String HELLO_BSN = "dev.mxrtc.itest.hello";

    private TestBundles() {
    }

    /**
     * A bundle with one immediate DS component ({@link HelloComponent}) that logs {@code marker} through
     * SLF4J when it activates and deactivates.
     */
    static byte[] hello(String version, String marker) throws IOException {
        Manifest mf = manifest(HELLO_BSN, version);
        mf.getMainAttributes().putValue("Import-Package", "org.slf4j;version=\"[2.0,3)\"");
        mf.getMainAttributes().putValue("Service-Component", "OSGI-INF/hello.xml");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("OSGI-INF/hello.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s"
                    immediate="true" activate="activate" deactivate="deactivate">
                  <implementation class="%s"/>
                  <property name="marker" type="String" value="%s"/>
                </scr:component>
                """.formatted(HELLO_BSN, HelloComponent.class.getName(), marker).getBytes(StandardCharsets.UTF_8));
        entries.put(classPath(HelloComponent.class), classBytes(HelloComponent.class));
        return jar(mf, entries);
    }

    /**
     * A v2 of the focus-selection bundle: the same jar with its {@code oldest_membership} component
     * pointed at {@link LastPreferredOldestMembership} and the version bumped.
     */
    static byte[] focusSelectionV2(Path original, String version) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Manifest mf;
        boolean rewired = false;
        try (JarFile jar = new JarFile(original.toFile())) {
            mf = new Manifest(jar.getManifest());
            Enumeration<JarEntry> all = jar.entries();
            while (all.hasMoreElements()) {
                JarEntry e = all.nextElement();
                if (e.isDirectory() || e.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = jar.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                if (e.getName().startsWith("OSGI-INF/") && e.getName().endsWith("OldestMembership.xml")) {
                    String xml = new String(bytes, StandardCharsets.UTF_8);
                    String v2 = xml.replace("class=\"dev.mxrtc.focus.selection.OldestMembership\"",
                            "class=\"" + LastPreferredOldestMembership.class.getName() + "\"");
                    rewired = !v2.equals(xml);
                    bytes = v2.getBytes(StandardCharsets.UTF_8);
                }
                entries.put(e.getName(), bytes);
            }
        }
        if (!rewired) {
            throw new IllegalStateException("no oldest_membership component found in " + original);
        }
        entries.put(classPath(LastPreferredOldestMembership.class), classBytes(LastPreferredOldestMembership.class));
        mf.getMainAttributes().putValue("Bundle-Version", version);
        return jar(mf, entries);
    }

    /** Writes {@code bytes} next to {@code target} and moves it into place, so a watcher never sees half a jar. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent().getParent(), "bundle", ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Manifest manifest(String bsn, String version) {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        return mf;
    }

    private static byte[] jar(Manifest mf, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, mf)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String classPath(Class<?> c) {
        return c.getName().replace('.', '/') + ".class";
    }

    private static byte[] classBytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + classPath(c))) {
            if (in == null) {
                throw new IOException("class file of " + c.getName() + " not found");
            }
            return in.readAllBytes();
        }
    }
}
