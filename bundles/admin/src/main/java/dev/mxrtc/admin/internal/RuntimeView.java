package dev.mxrtc.admin.internal;

import java.util.List;
import java.util.Map;
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

    /**
     * One media status provider: a {@code java.util.function.Supplier} service registered with
     * {@value #MEDIA_STATUS_PROPERTY}{@code =media} (the full_mesh focus is one), and what it answered.
     *
     * @param status JSON-ready (maps, lists, strings, numbers, booleans); empty with {@code error} set if it failed
     */
    record MediaProvider(long serviceId, long bundleId, String symbolicName, String version, Map<String, Object> status,
            String error) {
        public MediaProvider {
            status = status == null ? Map.of() : status;
            error = error == null ? "" : error;
        }
    }

    /** Service property that marks a status {@code Supplier} for {@code GET /media}. */
    String MEDIA_STATUS_PROPERTY = "mxrtc.admin.status";

    /** @return every media status provider's answer, by service id */
    default List<MediaProvider> media() {
        return List.of();
    }
}
