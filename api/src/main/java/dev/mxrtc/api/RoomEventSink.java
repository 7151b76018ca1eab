package dev.mxrtc.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a Matrix client delivers room events for the core to compute sessions from. The core provides it;
 * a Matrix client bundle calls it with what {@code /sync} delivers (state, timeline, sticky events).
 */
@ProviderType
public interface RoomEventSink {

    /**
     * Delivers a batch of one room's events, in the order the client received them. Events that are not
     * about MatrixRTC are ignored; malformed ones are rejected with a reason and change nothing.
     */
    void onRoomEvents(String roomId, List<RoomEvent> events);

    /** The client left or forgot the room: its sessions end. */
    void onRoomLeft(String roomId);
}
