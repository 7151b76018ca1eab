/**
 * Joining MatrixRTC slots as a member of one's own, from the server side: {@link dev.mxrtc.membership.RtcParticipants}
 * publishes a membership for a {@link dev.mxrtc.membership.JoinRequest} and keeps it alive (an MSC4140 delayed leave
 * scheduled first and restarted while joined, expiry refreshes, a rejoin with a fresh member id whenever the
 * membership is lost) until {@link dev.mxrtc.membership.Participation#leave()}.
 */
@Export
@Version("0.1.0")
package dev.mxrtc.membership;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
