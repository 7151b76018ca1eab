package dev.mxrtc.webrtc.internal;

import java.util.Locale;

/** Whether the libwebrtc embedded in this bundle can run on a JVM's platform: a pure function of two properties. */
sealed interface Platform {

    /** The only native library embedded: webrtc-java's {@code linux-x86_64} classifier jar. */
    String EMBEDDED = "linux-x86_64";

    record Supported(String name) implements Platform {
    }

    record Unsupported(String message) implements Platform {
    }

    static Platform of(String osName, String osArch) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            return new Supported(EMBEDDED);
        }
        return new Unsupported("dev.mxrtc.webrtc embeds libwebrtc (webrtc-java 0.14.0) for " + EMBEDDED
                + " only, but this JVM runs on os.name=" + osName + ", os.arch=" + osArch
                + ": run the runtime (or its media process) on Linux x86-64, or rebuild this bundle with the"
                + " webrtc-java classifier jar for your platform");
    }

    static Platform current() {
        return of(System.getProperty("os.name"), System.getProperty("os.arch"));
    }
}
