package dev.mxrtc.homeserver;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Collects every log record of the test JVM (logback is the SLF4J provider in this module's tests) while open, and
 * lowers one logger to DEBUG so that its debug records are seen too. Thread-safe: Jetty's threads log into it.
 */
final class LogCapture implements AutoCloseable {
    private final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final Logger root;
    private final Logger debugged;
    private final Level debuggedWas;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing();
            events.add(e);
        }
    };

    private LogCapture(Class<?> debug) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        debugged = context.getLogger(debug);
        debuggedWas = debugged.getLevel();
        debugged.setLevel(Level.DEBUG);
        appender.setContext(context);
        appender.setName("test-capture");
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing; {@code debug}'s logger logs at DEBUG until {@link #close()}. */
    static LogCapture start(Class<?> debug) {
        return new LogCapture(debug);
    }

    List<ILoggingEvent> matching(Predicate<ILoggingEvent> p) {
        return events.stream().filter(p).toList();
    }

    List<ILoggingEvent> atLeast(Level level) {
        return matching(e -> e.getLevel().isGreaterOrEqual(level));
    }

    /** Waits (bounded) until a record matching {@code p} was logged. */
    ILoggingEvent await(Predicate<ILoggingEvent> p, long maxMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            List<ILoggingEvent> found = matching(p);
            if (!found.isEmpty()) return found.getFirst();
            Thread.sleep(20);
        }
        throw new AssertionError("no such log record within " + maxMs + " ms; records: " + describe(events.stream().toList()));
    }

    static String describe(List<ILoggingEvent> list) {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : list) {
            sb.append("\n  ").append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ")
                    .append(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) sb.append(" [").append(e.getThrowableProxy().getClassName()).append(": ")
                    .append(e.getThrowableProxy().getMessage()).append(']');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        debugged.setLevel(debuggedWas);
    }
}
