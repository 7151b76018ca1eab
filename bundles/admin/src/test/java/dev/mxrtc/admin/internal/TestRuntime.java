package dev.mxrtc.admin.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mxrtc.api.RtcSessions;

/**
 * A {@link RuntimeView} with given bundles and services, for the unit tests of routing and rendering. The framework
 * side ({@link FrameworkView}) is exercised for real in {@link AdminConsoleIT}.
 */
record TestRuntime(List<BundleInfo> bundles, Map<SpiType, List<ServiceInfo>> serviceMap, Optional<RtcSessions> core,
        long uptimeMs) implements RuntimeView {

    static final List<BundleInfo> ALL_ACTIVE = List.of(
            new BundleInfo(0, "org.apache.felix.framework", "7.0.5", "ACTIVE", false),
            new BundleInfo(1, "dev.mxrtc.core", "0.1.0", "ACTIVE", false),
            new BundleInfo(2, "dev.mxrtc.focus.selection", "0.1.0", "ACTIVE", false));

    static final Map<SpiType, List<ServiceInfo>> SELECTIONS = Map.of(SpiType.FOCUS_SELECTION, List.of(
            new ServiceInfo(40, "oldest_membership", 0, "dev.mxrtc.focus.selection.OldestMembership", 2,
                    "dev.mxrtc.focus.selection", "0.1.0"),
            new ServiceInfo(41, "multi_sfu", 0, "dev.mxrtc.focus.selection.MultiSfu", 2,
                    "dev.mxrtc.focus.selection", "0.1.0")));

    static TestRuntime with(RtcSessions core) {
        return new TestRuntime(ALL_ACTIVE, SELECTIONS, Optional.of(core), 1234);
    }

    static TestRuntime withoutCore() {
        return new TestRuntime(ALL_ACTIVE, SELECTIONS, Optional.empty(), 1234);
    }

    @Override
    public List<ServiceInfo> services(SpiType type) {
        return serviceMap.getOrDefault(type, List.of());
    }

    @Override
    public Optional<RtcSessions> sessions() {
        return core;
    }
}
