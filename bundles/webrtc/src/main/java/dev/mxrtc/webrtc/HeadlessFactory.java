package dev.mxrtc.webrtc;

import org.osgi.annotation.versioning.ProviderType;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * A {@link PeerConnectionFactory} with its headless audio device module. {@link #close()} disposes the factory and
 * then the module (the order libwebrtc needs); it is idempotent. Close peer connections, local tracks and sources
 * made from the factory first: nothing native is freed by garbage collection.
 */
@ProviderType
public interface HeadlessFactory extends AutoCloseable {

    PeerConnectionFactory factory();

    /**
     * The audio device module. Call {@code stopRecording()} on it once a connection is up when pushing audio through
     * a {@code CustomAudioSource}: its own recording thread racing the custom source trips a libwebrtc check that
     * aborts the JVM.
     */
    HeadlessAudioDeviceModule audioDeviceModule();

    @Override
    void close();
}
