package dev.mxrtc.membership;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Lets any bundle join a MatrixRTC slot as a member of its own. The membership is published in the room's format
 * (legacy state or sticky), guarded by an MSC4140 delayed leave, and kept alive until the returned
 * {@link Participation} leaves; losses (the delayed leave fired during an outage, the membership overwritten) are
 * repaired by rejoining with a fresh member id.
 */
@ProviderType
public interface RtcParticipants {

    /**
     * Starts joining; returns at once with a {@link ParticipationStatus#CONNECTING} participation.
     *
     * @throws IllegalArgumentException if no Matrix account matches {@link JoinRequest#userId()}
     */
    Participation join(JoinRequest request);
}
