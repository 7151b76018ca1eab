package dev.mxrtc.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Boots Felix for a runtime directory and keeps it up until the framework stops or the JVM is told to exit.
 *
 * <pre>
 *   NEW --run()--> INIT: config resolved, dirs made, framework initialised
 *   INIT ---------> INSTALLED: bundle/boot at level 1, bundle/ at level 2, all marked started
 *   INSTALLED ----> STARTED: framework at its beginning level; report printed, ready file written
 *   STARTED --SIGTERM/SIGINT (signal handler)--> STOPPING: framework.stop(), bounded wait --> exit 128+signal
 *   STARTED --System.exit / unhandled signal (shutdown hook)--> STOPPING: the same, while the JVM exits
 *   STARTED --framework stopped from inside--> exit 0
 * </pre>
 *
 * Why our own launcher rather than {@code org.apache.felix.main}: Felix main deploys one directory at one
 * start level, and SLF4J 2 in OSGi needs SPI Fly and logback active before anything else loads SLF4J (see
 * {@link BundleSet}); we also want system-property overrides for every key, a ready file for
 * {@code bin/mxrtc start}, and a startup report naming any bundle that is not active.
 *
 * <p>SIGTERM and SIGINT are handled as signals, not only by a shutdown hook: the JVM's shutdown hooks run all at once,
 * so a library's own hook (H2 closes every database at exit) would race the bundles still using it. Stopping the
 * framework first, and exiting afterwards, lets every component close its resources itself.
 */
final class Launcher {

    /** System property: a file to write once the framework has started (and remove when it stops). */
    static final String READY_FILE = "mxrtc.ready.file";
    /** System property: how long the shutdown hook waits for the framework to stop, in seconds. */
    static final String STOP_TIMEOUT = "mxrtc.stop.timeout.seconds";

    private final Path home;
    private final Map<String, String> system;
    private final PrintStream out;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch stopReported = new java.util.concurrent.CountDownLatch(1);
    /** 128 + the number of the signal that stopped the runtime; 0 if none */
    private volatile int signalExit;

    Launcher(Path home, Map<String, String> system, PrintStream out) {
        this.home = home;
        this.system = Map.copyOf(system);
        this.out = out;
    }

    /** @return the process exit code */
    int run() throws IOException, BundleException, InterruptedException {
        long t0 = System.nanoTime();
        Map<String, String> config = LauncherConfig.load(home.resolve("etc/config.properties"), system, home);
        for (String dir : List.of("deploy", "log", "data")) {
            Files.createDirectories(home.resolve(dir));
        }
        GeneratedSecrets secrets = new GeneratedSecrets(new java.security.SecureRandom(),
                home.resolve("data/generated-secrets.properties"));
        for (String generated : secrets.fill(home.resolve("etc"))) {
            out.println("mxrtc: first start: generated " + generated);
        }
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/)"));
        Framework framework = factory.newFramework(new HashMap<>(config));
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<BundleSet.BundleJar> jars = BundleSet.scan(home.resolve("bundle"));
        for (BundleSet.BundleJar jar : jars) {
            Bundle bundle = context.installBundle(jar.location());
            bundle.adapt(BundleStartLevel.class).setStartLevel(jar.startLevel());
            if (!isFragment(bundle)) {
                bundle.start();
            }
        }
        Path readyFile = system.containsKey(READY_FILE) ? Path.of(system.get(READY_FILE)) : null;
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started(context, readyFile, Duration.ofNanos(System.nanoTime() - t0));
            }
        });
        Duration stopTimeout = Duration.ofSeconds(Long.parseLong(system.getOrDefault(STOP_TIMEOUT, "30")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework, stopTimeout), "mxrtc-shutdown"));
        for (String name : List.of("TERM", "INT")) {
            handle(name, number -> {
                signalExit = 128 + number;
                stop(framework, stopTimeout);
            });
        }
        framework.start();

        FrameworkEvent stopped = framework.waitForStop(0);
        deleteQuietly(readyFile);
        if (signalExit != 0) {
            stopReported.await(stopTimeout.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
            return signalExit; // as a JVM killed by that signal would exit (143 for SIGTERM)
        }
        if (shuttingDown.get()) {
            return 0; // the JVM is exiting already; the hook reports
        }
        out.println("mxrtc: framework stopped (" + eventName(stopped) + ")");
        return stopped.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    private void started(BundleContext context, Path readyFile, Duration took) {
        List<String> notActive = new ArrayList<>();
        int active = 0;
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.ACTIVE) {
                active++;
            } else if (!isFragment(b)) {
                notActive.add(b.getSymbolicName() + " " + b.getVersion() + " is " + stateName(b.getState()));
            }
        }
        out.printf("mxrtc: started in %d ms, %d bundles active, http %s%n", took.toMillis(), active,
                httpEndpoints(context));
        notActive.forEach(s -> out.println("mxrtc: WARNING bundle " + s));
        if (readyFile != null) {
            try {
                Files.createDirectories(readyFile.toAbsolutePath().getParent());
                Files.writeString(readyFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                out.println("mxrtc: cannot write " + readyFile + ": " + e);
            }
        }
    }

    /** @return the URLs the Servlet Whiteboard listens on (the real port, also when configured as 0) */
    private static String httpEndpoints(BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(
                    "org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs == null) {
                return "not running";
            }
            Object endpoints = refs[0].getProperty("osgi.http.endpoint");
            return endpoints instanceof String[] a ? String.join(" ", a) : String.valueOf(endpoints);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handles a POSIX signal with {@code sun.misc.Signal} where the JVM allows it; else the shutdown hook does. */
    private void handle(String name, java.util.function.IntConsumer action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.accept(sig.getNumber()));
        } catch (IllegalArgumentException | LinkageError e) {
            // the signal is in use (e.g. -Xrs) or sun.misc is not there: the shutdown hook stops the framework
        }
    }

    private void stop(Framework framework, Duration timeout) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return; // stopped (or stopping) already
        }
        long t0 = System.nanoTime();
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(timeout.toMillis());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                out.println("mxrtc: framework did not stop within " + timeout.toSeconds() + " s");
            } else {
                out.println("mxrtc: stopped in " + ms + " ms");
            }
        } catch (BundleException | InterruptedException e) {
            out.println("mxrtc: error while stopping: " + e);
        } finally {
            out.flush();
            stopReported.countDown();
        }
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision rev = b.adapt(BundleRevision.class);
        return rev != null && (rev.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: bin/mxrtc checks the pid, not only the file
            }
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }

    private static String eventName(FrameworkEvent e) {
        return switch (e.getType()) {
            case FrameworkEvent.STOPPED -> "stopped";
            case FrameworkEvent.STOPPED_UPDATE -> "stopped for update";
            case FrameworkEvent.ERROR -> "error: " + e.getThrowable();
            default -> "event " + e.getType();
        };
    }
}
