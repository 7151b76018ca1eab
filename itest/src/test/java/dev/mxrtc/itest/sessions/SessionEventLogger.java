package dev.mxrtc.itest.sessions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.SessionEvent;

/**
 * The DS component of a test bundle that {@code RuntimeInteropIT} drops into a forked runtime's {@code deploy/}: a
 * real {@link RtcSessionListener} of the core that writes every member change to the runtime's log, one line each,
 * so the test sees from outside the process what the core's {@code RtcSessions} sees (the core itself logs only
 * sessions starting and ending, not members). Test-only: nothing of it ships.
 */
public final class SessionEventLogger implements RtcSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionEventLogger.class);

    void activate() {
        LOG.info("itest session logger active");
    }

    @Override
    public void onSessionEvent(SessionEvent event) {
        switch (event) {
            case SessionEvent.MemberJoined e -> log("joined", e.member(), "");
            case SessionEvent.MemberLeft e -> log("left", e.member(), e.reason());
            case SessionEvent.MemberUpdated e -> log("updated", e.after(), "");
            case SessionEvent.SessionStarted e -> { }
            case SessionEvent.SessionEnded e -> { }
            case SessionEvent.ActiveTransportChanged e -> { }
        }
    }

    private static void log(String what, Member m, String reason) {
        LOG.info("itest member {} room={} slot={} user={} device={} format={} event={} reason={}", what, m.roomId(),
                m.slotId(), m.userId(), m.deviceId(), m.format(), m.eventId(), reason);
    }
}
