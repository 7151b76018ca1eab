package dev.mxrtc.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener: register an implementation as an OSGi service and the core delivers every
 * {@link SessionEvent} to it. Calls for one room are made in order from one thread; do not block.
 * The optional service property {@value #ROOM_PROPERTY} limits delivery to one room.
 */
@ConsumerType
public interface RtcSessionListener {

    /** Service property: deliver only events of this room id. */
    String ROOM_PROPERTY = "mxrtc.room";

    void onSessionEvent(SessionEvent event);
}
