package dev.mxrtc.media.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.WorkerListener;
import dev.mxrtc.media.WorkerStatus;

/**
 * The media engine as a DS service: starts the supervised worker when activated (immediate, so a broken setup shows
 * at start), stops it when deactivated. Configuration PID {@code dev.mxrtc.media}.
 */
@Component(service = MediaEngine.class, configurationPid = "dev.mxrtc.media", immediate = true)
@Designate(ocd = MediaEngineComponent.Config.class)
public final class MediaEngineComponent implements MediaEngine {

    @ObjectClassDefinition(name = "mxrtc media process",
            description = "The child JVM that runs libwebrtc for server-side participants.")
    public @interface Config {
        @AttributeDefinition(description = "java binary for the worker; empty: the runtime's own")
        String java() default "";

        @AttributeDefinition(description = "JVM options for the worker, space separated")
        String jvmArgs() default "-Xmx256m -XX:+UseSerialGC";

        @AttributeDefinition(description = "worker class path (path separator separated); empty: this bundle's jar and"
                + " dev.mxrtc.webrtc's")
        String classpath() default "";

        @AttributeDefinition(description = "liveness ping interval, ms")
        long pingIntervalMs() default 2000;

        @AttributeDefinition(description = "kill and restart the worker after this long without a pong, ms")
        long pingTimeoutMs() default 6000;
    }

    private final MediaSupervisor supervisor;

    @Activate
    public MediaEngineComponent(BundleContext ctx, Config config) throws IOException {
        Path javaBin = config.java().isBlank() ? WorkerLaunch.currentJava() : Path.of(config.java());
        List<String> args = Arrays.stream(config.jvmArgs().trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        List<Path> cp = config.classpath().isBlank() ? BundleJars.workerClasspath(ctx)
                : Arrays.stream(config.classpath().split(java.io.File.pathSeparator)).map(Path::of).toList();
        MediaSupervisor.Settings d = MediaSupervisor.Settings.defaults();
        this.supervisor = new MediaSupervisor(new WorkerLaunch(javaBin, args, cp), new MediaSupervisor.Settings(
                d.backoff(), d.stableAfter(), d.readyTimeout(), Duration.ofMillis(config.pingIntervalMs()),
                Duration.ofMillis(config.pingTimeoutMs())));
        supervisor.start();
    }

    @Deactivate
    void deactivate() {
        supervisor.close();
    }

    @Override
    public Peer createPeer(String id, PeerRole role, PeerListener listener) {
        return supervisor.createPeer(id, role, listener);
    }

    @Override
    public Peer createPeer(String id, PeerRole role, boolean audio, PeerListener listener) {
        return supervisor.createPeer(id, role, audio, listener);
    }

    @Override
    public Peer createPeer(String id, PeerRole role, MediaOptions media, PeerListener listener) {
        return supervisor.createPeer(id, role, media, listener);
    }

    @Override
    public void addWorkerListener(WorkerListener listener) {
        supervisor.addWorkerListener(listener);
    }

    @Override
    public void removeWorkerListener(WorkerListener listener) {
        supervisor.removeWorkerListener(listener);
    }

    @Override
    public WorkerStatus status() {
        return supervisor.status();
    }
}
