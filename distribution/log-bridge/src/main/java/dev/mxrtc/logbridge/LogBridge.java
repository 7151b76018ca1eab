package dev.mxrtc.logbridge;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Forwards every OSGi Log Service entry (Felix SCR, FileInstall, Config Admin, and the framework, bundle and
 * service events the Log Service records) to SLF4J, whose provider (logback) writes the console and
 * {@code log/mxrtc.log}.
 *
 * <p>Why our own: {@code org.apache.felix.logback} 1.0.6 builds logback 1.2 events and fails silently with
 * logback 1.5 (its events have no logger context, so the appenders' deferred processing throws). This is the
 * part of it we need, against the SLF4J API only.
 *
 * <p>Entries logged before this bundle starts are replayed from the Log Service's history
 * ({@code org.apache.felix.log.maxSize}); {@link Forwarder} drops duplicates by sequence number.
 */
public final class LogBridge implements BundleActivator {

    private ServiceTracker<LogReaderService, LogReaderService> readers;

    @Override
    public void start(BundleContext context) {
        Forwarder forwarder = new Forwarder(new Slf4jSink());
        readers = new ServiceTracker<>(context, LogReaderService.class, null) {
            @Override
            public LogReaderService addingService(ServiceReference<LogReaderService> ref) {
                LogReaderService reader = super.addingService(ref);
                if (reader != null) {
                    forwarder.replay(reader.getLog());
                    reader.addLogListener(forwarder);
                    forwarder.replay(reader.getLog()); // what was logged between the first replay and now
                }
                return reader;
            }

            @Override
            public void removedService(ServiceReference<LogReaderService> ref, LogReaderService reader) {
                try {
                    reader.removeLogListener(forwarder);
                } catch (RuntimeException e) {
                    // the Log Service is going away anyway
                }
                super.removedService(ref, reader);
            }
        };
        readers.open();
    }

    @Override
    public void stop(BundleContext context) {
        readers.close();
    }
}
