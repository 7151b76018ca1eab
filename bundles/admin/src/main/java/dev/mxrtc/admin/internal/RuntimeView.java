package dev.mxrtc.admin.internal;

import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.RtcSessions;

/** What the console reads from the running system: the framework's bundles and services, and the core. */
interface RuntimeView {

    /** @return every installed bundle, by id */
    List<BundleInfo> bundles();

    /** @return the registered implementations of {@code type}, by service id */
    List<ServiceInfo> services(SpiType type);

    /** @return the core's sessions service, if one is bound now */
    Optional<RtcSessions> sessions();

    /** @return how long the runtime (the JVM) has been up */
    long uptimeMs();
}
