package dev.mxrtc.e2ee;

import java.util.Collection;

import org.osgi.annotation.versioning.ConsumerType;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/**
 * Carries a local member's media key to other members' devices, and hands what it receives to a {@link KeySink}.
 * Implementations: Olm to-device (matrix-js-sdk 43 and MSC4143 content) and the legacy Megolm room event. A
 * transport that drives a real peer (e.g. a matrix-js-sdk client) can be added the same way.
 */
@ConsumerType
public interface KeyTransport extends AutoCloseable {

    /** @return a short name for logs ({@code to-device}, {@code room-event}) */
    String name();

    /**
     * Sends {@code key} of {@code self} to the devices behind {@code to}. Never sends to {@code self}'s own device.
     * Blocks until the homeserver accepted it.
     *
     * @throws KeyTransportException when it could not be sent to some or all targets
     */
    void send(Member self, Collection<Member> to, MediaKey key) throws KeyTransportException;

    @Override
    void close();

    /** A send that failed: no homeserver answer, no device keys, no one-time key to start an Olm session. */
    final class KeyTransportException extends Exception {
        private static final long serialVersionUID = 1L;

        public KeyTransportException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
