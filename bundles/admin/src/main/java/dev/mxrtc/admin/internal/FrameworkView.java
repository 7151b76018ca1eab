package dev.mxrtc.admin.internal;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;

import dev.mxrtc.api.RtcSessions;

/**
 * {@link RuntimeView} of the running framework. Services are found with {@code getAllServiceReferences}, by class
 * name, so implementations wired to another copy of the API are listed too (the console only reads their
 * properties).
 */
final class FrameworkView implements RuntimeView {

    private final BundleContext context;
    private final Supplier<Optional<RtcSessions>> core;
    private final Clock clock;
    private final long jvmStartMs;

    FrameworkView(BundleContext context, Supplier<Optional<RtcSessions>> core, Clock clock) {
        this.context = context;
        this.core = core;
        this.clock = clock;
        this.jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @Override
    public List<BundleInfo> bundles() {
        List<BundleInfo> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleRevision rev = b.adapt(BundleRevision.class);
            boolean fragment = rev != null && (rev.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            out.add(new BundleInfo(b.getBundleId(), String.valueOf(b.getSymbolicName()), b.getVersion().toString(),
                    state(b.getState()), fragment));
        }
        out.sort(Comparator.comparingLong(BundleInfo::id));
        return out;
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> BundleInfo.ACTIVE;
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    @Override
    public List<ServiceInfo> services(SpiType type) {
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(type.className(), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter is used", e);
        }
        if (refs == null) {
            return List.of();
        }
        List<ServiceInfo> out = new ArrayList<>();
        for (ServiceReference<?> ref : refs) {
            Bundle b = ref.getBundle();
            if (b == null) {
                continue; // unregistered meanwhile
            }
            out.add(new ServiceInfo((Long) ref.getProperty(Constants.SERVICE_ID), text(ref.getProperty(type.nameProperty())),
                    ref.getProperty(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0,
                    text(ref.getProperty("component.name")), b.getBundleId(), String.valueOf(b.getSymbolicName()),
                    b.getVersion().toString()));
        }
        out.sort(Comparator.comparingLong(ServiceInfo::serviceId));
        return out;
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String[] a) {
            return String.join(",", a);
        }
        if (value instanceof Object[] a) {
            return String.join(",", Arrays.stream(a).map(String::valueOf).toList());
        }
        return value.toString();
    }

    /**
     * Asks every {@code Supplier} service marked {@code mxrtc.admin.status=media}. A JDK type on purpose: the console
     * imports nothing of the providers' bundles, so replacing one (a focus bundle in deploy/) never refreshes it.
     */
    @Override
    public List<MediaProvider> media() {
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(Supplier.class.getName(), "(" + MEDIA_STATUS_PROPERTY + "=media)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter", e);
        }
        if (refs == null) {
            return List.of();
        }
        List<MediaProvider> out = new ArrayList<>();
        for (ServiceReference<?> ref : refs) {
            Bundle b = ref.getBundle();
            if (b == null) {
                continue; // unregistered meanwhile
            }
            long id = (Long) ref.getProperty(Constants.SERVICE_ID);
            Map<String, Object> status = null;
            String error = null;
            Object service = context.getService(ref);
            try {
                if (service instanceof Supplier<?> supplier && supplier.get() instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) m;
                    status = typed;
                } else {
                    error = service == null ? "the service is gone" : "the supplier did not answer a map";
                }
            } catch (RuntimeException e) {
                error = e.toString();
            } finally {
                if (service != null) {
                    context.ungetService(ref);
                }
            }
            out.add(new MediaProvider(id, b.getBundleId(), String.valueOf(b.getSymbolicName()), b.getVersion()
                    .toString(), status, error));
        }
        out.sort(Comparator.comparingLong(MediaProvider::serviceId));
        return out;
    }

    @Override
    public Optional<RtcSessions> sessions() {
        return core.get();
    }

    @Override
    public long uptimeMs() {
        return Math.max(0, clock.millis() - jvmStartMs);
    }
}
