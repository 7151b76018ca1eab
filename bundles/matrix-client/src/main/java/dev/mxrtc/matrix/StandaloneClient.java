package dev.mxrtc.matrix;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.api.RoomEventSink;

/**
 * An account opened with {@link MatrixClients#open}: logged in, its {@code /sync} loop running. What the OSGi
 * component does with services (sinks, listeners) is done here by hand.
 */
@ProviderType
public interface StandaloneClient extends AutoCloseable {

    /** @return the logged-in client (add {@link SyncListener}s with {@link MatrixClient#addSyncListener}) */
    MatrixClient client();

    /**
     * Feeds {@code sink} every joined room's events, first a snapshot of the current state (as the OSGi component
     * does for a {@link RoomEventSink} service that arrives).
     *
     * @return closing it removes the sink
     */
    AutoCloseable addRoomEventSink(RoomEventSink sink);

    /** Stops syncing and releases HTTP resources. Does not log out: the session is kept for the next open. */
    @Override
    void close();
}
