package dev.mxrtc.membership;

/**
 * Where a participation stands (the statuses of matrix-js-sdk 43's MembershipManager).
 *
 * <pre>
 *  CONNECTING --join sent--> CONNECTED --membership lost--> CONNECTING (fresh member id)
 *       \                        |
 *        \----leave()----> DISCONNECTING --leave written or given up--> DISCONNECTED
 * </pre>
 */
public enum ParticipationStatus {
    /** Scheduling the delayed leave and sending the membership. */
    CONNECTING,
    /** The membership is published and kept alive. */
    CONNECTED,
    /** Leaving: the leave is being written. */
    DISCONNECTING,
    /** Left (or failed for good); terminal. */
    DISCONNECTED
}
