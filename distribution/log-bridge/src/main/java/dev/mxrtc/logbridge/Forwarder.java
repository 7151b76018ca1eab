package dev.mxrtc.logbridge;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;

/**
 * Turns log entries into {@link Sink} calls, each entry once and in sequence order. One lock owns
 * {@code lastSequence}: the Log Service's delivery thread and a history replay may race at start.
 */
final class Forwarder implements LogListener {

    /** Where entries go: SLF4J in the runtime, a list in tests. */
    interface Sink {
        void log(String logger, org.osgi.service.log.LogLevel level, String message, Throwable error);
    }

    private final Sink sink;
    private final ReentrantLock lock = new ReentrantLock();
    private long lastSequence = -1;

    Forwarder(Sink sink) {
        this.sink = sink;
    }

    @Override
    public void logged(LogEntry entry) {
        lock.lock();
        try {
            if (entry.getSequence() <= lastSequence) {
                return;
            }
            lastSequence = entry.getSequence();
        } finally {
            lock.unlock();
        }
        forward(entry);
    }

    /** @param newestFirst the Log Service's history, as {@code LogReaderService.getLog()} returns it */
    void replay(Enumeration<LogEntry> newestFirst) {
        List<LogEntry> entries = new ArrayList<>();
        newestFirst.asIterator().forEachRemaining(entries::add);
        for (int i = entries.size() - 1; i >= 0; i--) {
            logged(entries.get(i));
        }
    }

    private void forward(LogEntry e) {
        Bundle b = e.getBundle();
        String bsn = b == null || b.getSymbolicName() == null ? "unknown" : b.getSymbolicName();
        String name = e.getLoggerName();
        // Felix Log names entries "LogService.<bsn>", "Events.Bundle.<bsn>", ...; the bare names "LogService"
        // and "ROOT" (Felix SCR's logger; also logback's root logger's name) become the bundle's name
        String logger = name == null || name.equals("LogService") || name.equals("ROOT") ? bsn : name;
        String message = logger.contains(bsn) ? e.getMessage() : "[" + bsn + "] " + e.getMessage();
        try {
            sink.log(logger, e.getLogLevel(), message, e.getException());
        } catch (RuntimeException failed) {
            // never throw into the Log Service's delivery thread: it would drop the listener's later entries
        }
    }
}
