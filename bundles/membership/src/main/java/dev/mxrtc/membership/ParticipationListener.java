package dev.mxrtc.membership;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about a participation's changes, on the participation's own thread, in order. Do not block.
 */
@ConsumerType
public interface ParticipationListener {

    /**
     * The status changed.
     *
     * @param participation the participation
     * @param status the new status
     * @param memberId the member id the status is about (a rejoin has a fresh one)
     */
    void onStatus(Participation participation, ParticipationStatus status, String memberId);
}
