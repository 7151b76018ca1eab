package dev.mxrtc.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Entry point of {@code bin/mxrtc run}: {@code java -Dmxrtc.home=DIR -cp DIR/lib/* dev.mxrtc.launcher.Main}.
 * Sets the system properties logback reads ({@code mxrtc.home}, {@code logback.configurationFile}) before
 * any bundle can load it.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty(LauncherConfig.HOME, ".")).toAbsolutePath().normalize();
        System.setProperty(LauncherConfig.HOME, home.toString());
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", home.resolve("etc/logback.xml").toString());
        }
        Map<String, String> system = new HashMap<>();
        System.getProperties().stringPropertyNames().forEach(k -> system.put(k, System.getProperty(k)));
        int code;
        try {
            code = new Launcher(home, system, System.out).run();
        } catch (Exception e) {
            System.err.println("mxrtc: cannot start: " + e);
            e.printStackTrace();
            code = 1;
        }
        // non-daemon threads a bundle left behind must not keep a stopped runtime alive
        exitUnlessShuttingDown(code);
    }

    private static void exitUnlessShuttingDown(int code) {
        try {
            Runtime.getRuntime().removeShutdownHook(new Thread(() -> { }));
        } catch (IllegalStateException shuttingDown) {
            return; // System.exit during shutdown would block forever
        }
        System.exit(code);
    }
}
