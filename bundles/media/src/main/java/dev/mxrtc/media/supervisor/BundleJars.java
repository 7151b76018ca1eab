package dev.mxrtc.media.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The worker's class path inside the framework: this bundle's jar and the jar of the bundle this one gets
 * {@code dev.onvoid.webrtc} from (dev.mxrtc.webrtc, with the native library). Both are plain jars too. A bundle
 * installed from a file is used in place; any other location is copied out once into this bundle's data area.
 */
final class BundleJars {

    static final String WEBRTC_PACKAGE = "dev.onvoid.webrtc";

    private BundleJars() {
    }

    static List<Path> workerClasspath(BundleContext ctx) throws IOException {
        Bundle self = ctx.getBundle();
        Bundle webrtc = null;
        BundleWiring wiring = self.adapt(BundleWiring.class);
        if (wiring != null) {
            for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (WEBRTC_PACKAGE.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                    webrtc = w.getProvider().getBundle();
                }
            }
        }
        if (webrtc == null) {
            throw new IOException("no bundle provides " + WEBRTC_PACKAGE + " to dev.mxrtc.media: install dev.mxrtc.webrtc");
        }
        List<Path> cp = new ArrayList<>();
        cp.add(jar(ctx, self));
        cp.add(jar(ctx, webrtc));
        return cp;
    }

    static Path jar(BundleContext ctx, Bundle b) throws IOException {
        String loc = b.getLocation();
        for (String prefix : new String[] {"reference:file:", "file:"}) {
            if (loc.startsWith(prefix)) {
                Path p = Path.of(java.net.URI.create("file:" + loc.substring(prefix.length())));
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        Path out = ctx.getDataFile("worker-" + b.getSymbolicName() + "-" + b.getVersion() + "-" + b.getLastModified()
                + ".jar").toPath();
        if (!Files.exists(out)) {
            Path tmp = Files.createTempFile(out.getParent(), "worker", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(os)) {
                Enumeration<URL> entries = b.findEntries("/", "*", true);
                for (URL u : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
                    String name = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
                    if (name.isEmpty() || name.endsWith("/")) {
                        continue;
                    }
                    jar.putNextEntry(new JarEntry(name));
                    try (InputStream in = u.openStream()) {
                        in.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
