package dev.mxrtc.webrtc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.webrtc.HeadlessFactory;
import dev.mxrtc.webrtc.WebRtcRuntime;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * Loads libwebrtc when the bundle starts (immediate: a missing system library or an unsupported platform shows at
 * start, with a message that says what to do, not at the first call), and disposes every factory still open when the
 * bundle stops or is updated. The native library itself stays mapped until this bundle's class loader is collected;
 * an updated bundle loads its own copy from a new temp file.
 */
@Component(service = WebRtcRuntime.class, immediate = true)
public final class WebRtcComponent implements WebRtcRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcComponent.class);

    private final String platform;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Handle> open = new ArrayList<>();
    private boolean closed;

    @Activate
    public WebRtcComponent() {
        this.platform = switch (Platform.current()) {
            case Platform.Supported s -> s.name();
            case Platform.Unsupported u -> {
                LOG.error(u.message());
                throw new IllegalStateException(u.message());
            }
        };
        // Probe: loads the native library through this bundle's class loader and runs it once.
        try (HeadlessFactory probe = newHeadlessFactory()) {
            LOG.info("libwebrtc loaded for {} (factory {})", platform, probe.factory().getClass().getName());
        } catch (UnsatisfiedLinkError e) {
            String msg = "libwebrtc failed to load on " + platform + ": " + e.getMessage()
                    + " (it needs libpulse0 and the X11 client libraries even headless: run bin/setup)";
            LOG.error(msg);
            throw new IllegalStateException(msg, e);
        }
    }

    @Override
    public String platform() {
        return platform;
    }

    @Override
    public HeadlessFactory newHeadlessFactory() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("dev.mxrtc.webrtc is stopping");
            }
            HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
            PeerConnectionFactory factory;
            try {
                factory = new PeerConnectionFactory(adm);
            } catch (RuntimeException | Error e) {
                adm.dispose();
                throw e;
            }
            Handle h = new Handle(factory, adm);
            open.add(h);
            return h;
        } finally {
            lock.unlock();
        }
    }

    /** Number of factories handed out and not yet closed. */
    int openFactories() {
        lock.lock();
        try {
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    @Deactivate
    void deactivate() {
        List<Handle> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(open);
        } finally {
            lock.unlock();
        }
        if (!left.isEmpty()) {
            LOG.warn("disposing {} webrtc factories still open at stop", left.size());
        }
        for (Handle h : left) {
            try {
                h.close();
            } catch (RuntimeException | Error e) {
                LOG.warn("disposing a webrtc factory failed", e);
            }
        }
    }

    private final class Handle implements HeadlessFactory {
        private final PeerConnectionFactory factory;
        private final HeadlessAudioDeviceModule adm;
        private boolean disposed;

        Handle(PeerConnectionFactory factory, HeadlessAudioDeviceModule adm) {
            this.factory = factory;
            this.adm = adm;
        }

        @Override
        public PeerConnectionFactory factory() {
            return factory;
        }

        @Override
        public HeadlessAudioDeviceModule audioDeviceModule() {
            return adm;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (disposed) {
                    return;
                }
                disposed = true;
                open.remove(this);
            } finally {
                lock.unlock();
            }
            try {
                factory.dispose();
            } finally {
                adm.dispose();
            }
        }
    }
}
