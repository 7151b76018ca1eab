package dev.mxrtc.admin.internal;

import java.util.Objects;

/**
 * One registered implementation of an SPI type.
 *
 * @param serviceId the service id
 * @param name the value of the SPI's naming property (e.g. {@code oldest_membership}); empty if not set
 * @param ranking the service ranking
 * @param component the DS component name, empty if not registered by DS
 * @param bundleId the providing bundle's id
 * @param bundleSymbolicName the providing bundle's symbolic name
 * @param bundleVersion the providing bundle's version
 */
record ServiceInfo(long serviceId, String name, int ranking, String component, long bundleId,
        String bundleSymbolicName, String bundleVersion) {

    ServiceInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(bundleSymbolicName, "bundleSymbolicName");
        Objects.requireNonNull(bundleVersion, "bundleVersion");
    }
}
