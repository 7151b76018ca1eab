package dev.mxrtc.media.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.MediaOptions;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoPattern;

/**
 * The built bundle with dev.mxrtc.webrtc in a real Felix with SCR: the MediaEngine component finds the worker's
 * class path through its wiring (both bundle jars), starts the worker, two data-only peers in it connect and carry a
 * message, and stopping the bundle ends the worker process. The media API comes from the class path through the
 * system bundle so this test can call the service with the same types.
 */
@Timeout(90)
class MediaBundleIT {

    @TempDir
    Path tmp;

    @Test
    void engineRunsTheWorkerFromTheBundlesAndStopsItWithTheBundle() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // the API from the class path, at the version in dev/mxrtc/media/package-info.java, so the service's type is ours
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.slf4j;version=2.0.16,dev.mxrtc.media;version=0.2.0");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        fw.start();
        try {
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            File[] deps = new File(System.getProperty("mxrtc.it.bundles")).listFiles((d, n) -> n.endsWith(".jar"));
            Arrays.sort(deps);
            for (File f : deps) {
                bundles.add(ctx.installBundle(f.toURI().toString()));
            }
            Bundle media = ctx.installBundle(new File(System.getProperty("mxrtc.it.bundle")).toURI().toString());
            bundles.add(media);
            for (Bundle b : bundles) {
                b.start();
            }
            assertEquals(Bundle.ACTIVE, media.getState());

            ServiceTracker<MediaEngine, MediaEngine> t = new ServiceTracker<>(ctx, MediaEngine.class, null);
            t.open();
            MediaEngine engine = t.waitForService(20_000);
            assertNotNull(engine, "MediaEngine registered");
            Recorder.await(Duration.ofSeconds(30), () -> engine.status().running(), "worker ready in the framework");
            long pid = engine.status().pid();

            Recorder rx = new Recorder();
            Recorder ry = new Recorder();
            ry.echoPrefix = "echo:";
            // data and video, no audio: the worker started from the bundle jars has libwebrtc's video classes too
            Peer y = engine.createPeer("y", PeerRole.ANSWERER, new MediaOptions(false, true), ry);
            ry.self = y;
            rx.remote.set(y);
            Peer x = engine.createPeer("x", PeerRole.OFFERER, new MediaOptions(false, true), rx);
            rx.self = x;
            ry.remote.set(x);
            Recorder.await(Duration.ofSeconds(20), () -> rx.find(0, e -> e == PeerState.CONNECTED) >= 0,
                    "connected");
            x.send("hello from felix");
            Recorder.await(Duration.ofSeconds(10), () -> rx.find(0, "echo:hello from felix"::equals) >= 0, "echo");
            x.publishVideo(VideoPattern.solid(0x28C040));
            Recorder.await(Duration.ofSeconds(20), () -> ry.saw(0, 0x28C040, 320, 180, 20) >= 0, "video in Felix");
            t.close();

            media.stop();
            ProcessHandle worker = ProcessHandle.of(pid).orElse(null);
            if (worker != null) {
                worker.onExit().get(10, TimeUnit.SECONDS);
            }
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker ended with bundle");
            assertTrue(engine.status().pid() < 0);
        } finally {
            fw.stop();
            fw.waitForStop(20_000);
        }
    }
}
