package dev.mxrtc.call;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener: register as an OSGi service to receive every {@link CallEvent} of the account's rooms.
 * Called from the call component's one thread, in order; do not block.
 */
@ConsumerType
public interface CallListener {

    void onCallEvent(CallEvent event);
}
