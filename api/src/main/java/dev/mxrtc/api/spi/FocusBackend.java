package dev.mxrtc.api.spi;

import java.util.concurrent.CompletionStage;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;

/**
 * Carries media for one transport type (e.g. {@code livekit}, {@code full_mesh}). Register as a service with
 * the property {@value #TYPE_PROPERTY}. Several backends may be present; the runtime uses the one whose
 * type matches a session's active transport, and moves its members when backends come and go.
 */
public interface FocusBackend {

    /** Service property naming the transport type. */
    String TYPE_PROPERTY = "mxrtc.transport.type";

    /** @return the transport type this backend implements */
    String transportType();

    /**
     * Connects a local member to the session's media through {@code transport}.
     *
     * @return a stage completing with the connection once media can flow
     */
    CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport);

    /** A local member's live connection to a focus. Closing it is idempotent. */
    interface FocusConnection extends AutoCloseable {

        /** @return the transport this connection uses */
        Transport transport();

        /** Called when the session's members change, so the backend can add and drop peers. */
        void sessionChanged(Session session);

        @Override
        void close();
    }
}
