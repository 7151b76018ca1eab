/**
 * Native WebRTC in the framework: a service that hands out headless {@code PeerConnectionFactory} instances and
 * disposes whatever is still open when the bundle stops or is updated. The webrtc-java API itself
 * ({@code dev.onvoid.webrtc.*}) is exported by the same bundle at version 0.14.0.
 */
@Export
@Version("0.1.0")
package dev.mxrtc.webrtc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
