package dev.mxrtc.logbridge;

import org.osgi.service.log.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes entries to SLF4J loggers of the same name; AUDIT is logged as ERROR so it is never filtered. */
final class Slf4jSink implements Forwarder.Sink {

    @Override
    public void log(String loggerName, LogLevel level, String message, Throwable error) {
        Logger log = LoggerFactory.getLogger(loggerName);
        switch (level) {
            case AUDIT, ERROR -> log.error(message, error);
            case WARN -> log.warn(message, error);
            case INFO -> log.info(message, error);
            case DEBUG -> log.debug(message, error);
            case TRACE -> log.trace(message, error);
        }
    }
}
