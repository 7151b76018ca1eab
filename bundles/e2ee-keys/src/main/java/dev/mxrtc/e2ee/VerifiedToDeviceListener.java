package dev.mxrtc.e2ee;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register this service to receive the Olm-decrypted to-device events of the runtime's accounts that are
 * not media keys (e.g. MSC2746 call events). The E2EE runtime is the only place that decrypts an account's
 * {@code m.room.encrypted} to-device events (an Olm message decrypts once), so this is how any other bundle gets
 * them. Called on the account's sync thread, in the order the homeserver delivered them: do not block. Every
 * listener sees every event; filter on {@link VerifiedToDevice#recipientUserId()} and the type.
 */
@ConsumerType
public interface VerifiedToDeviceListener {

    void received(VerifiedToDevice event);
}
