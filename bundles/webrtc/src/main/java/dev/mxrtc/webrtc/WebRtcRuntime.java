package dev.mxrtc.webrtc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The native WebRTC library, loaded and checked. Registered only once libwebrtc loaded in this JVM on a supported
 * platform; consumers that reference it are deactivated (and must close their peer connections) before it disposes
 * the factories they still hold.
 */
@ProviderType
public interface WebRtcRuntime {

    /** The platform the embedded native library was built for, e.g. {@code linux-x86_64}. */
    String platform();

    /**
     * A new factory on a headless audio device module (no sound card needed). The caller closes it, after closing
     * its own peer connections, tracks and sources; any still open when the bundle stops are closed then.
     */
    HeadlessFactory newHeadlessFactory();
}
