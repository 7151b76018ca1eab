package dev.mxrtc.logbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

class ForwarderTest {

    /** A log entry as the Log Service hands it out (plain data; no framework needed for this class). */
    record Entry(long getSequence, String getLoggerName, LogLevel getLogLevel, String getMessage) implements LogEntry {
        @Override
        public Bundle getBundle() {
            return null;
        }

        @Override
        public ServiceReference<?> getServiceReference() {
            return null;
        }

        @Override
        @SuppressWarnings("deprecation")
        public int getLevel() {
            return getLogLevel.ordinal();
        }

        @Override
        public Throwable getException() {
            return null;
        }

        @Override
        public long getTime() {
            return 0;
        }

        @Override
        public String getThreadInfo() {
            return "t";
        }

        @Override
        public StackTraceElement getLocation() {
            return null;
        }
    }

    private final List<String> out = new ArrayList<>();
    private final Forwarder forwarder = new Forwarder((logger, level, msg, err) -> out.add(logger + " " + level + " " + msg));

    @Test
    void replaysHistoryOldestFirstThenLiveEntriesOnce() {
        List<LogEntry> newestFirst = new ArrayList<>(List.of(new Entry(2, "Events.Bundle", LogLevel.INFO, "b"),
                new Entry(1, "LogService", LogLevel.ERROR, "a")));
        forwarder.replay(Collections.enumeration(newestFirst));
        forwarder.logged(new Entry(2, "Events.Bundle", LogLevel.INFO, "b")); // the listener saw it too
        forwarder.logged(new Entry(3, "org.apache.felix.scr.X", LogLevel.WARN, "c"));
        forwarder.logged(new Entry(4, "ROOT", LogLevel.DEBUG, "d"));
        forwarder.replay(Collections.enumeration(List.<LogEntry>of(new Entry(3, "x", LogLevel.WARN, "c"))));
        assertEquals(List.of("unknown ERROR a", "Events.Bundle INFO [unknown] b",
                "org.apache.felix.scr.X WARN [unknown] c", "unknown DEBUG d"), out);
    }

    @Test
    void aFailingSinkDoesNotThrowIntoTheLogService() {
        Forwarder f = new Forwarder((logger, level, msg, err) -> {
            throw new IllegalStateException("appender broke");
        });
        f.logged(new Entry(1, "LogService", LogLevel.ERROR, "a")); // must not throw
    }
}
