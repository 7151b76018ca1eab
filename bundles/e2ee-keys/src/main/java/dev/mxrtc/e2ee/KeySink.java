package dev.mxrtc.e2ee;

import org.osgi.annotation.versioning.ConsumerType;

/** Where a transport hands what it received. Called on the transport's receive thread; do not block. */
@ConsumerType
public interface KeySink {

    /** A key that decrypted and whose sending device is proven; membership is not yet checked. */
    void received(ReceivedKey key);

    /**
     * Something that looked like a key and was refused before it became a {@link ReceivedKey}.
     *
     * @param roomId the room, when known (else empty string)
     * @param sender the claimed sender
     * @param reason why
     * @param detail a short description for the log (never key material)
     */
    void dropped(String roomId, String sender, DropReason reason, String detail);
}
