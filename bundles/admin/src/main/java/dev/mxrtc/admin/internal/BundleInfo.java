package dev.mxrtc.admin.internal;

import java.util.Objects;

/**
 * One installed bundle as the console shows it.
 *
 * @param id the bundle id
 * @param symbolicName the symbolic name (empty if the bundle has none)
 * @param version the version
 * @param state the state name: INSTALLED, RESOLVED, STARTING, STOPPING, ACTIVE or UNINSTALLED
 * @param fragment whether the bundle is a fragment (fragments never become ACTIVE)
 */
record BundleInfo(long id, String symbolicName, String version, String state, boolean fragment) {

    static final String ACTIVE = "ACTIVE";

    BundleInfo {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
    }

    /** @return whether the bundle counts against health: a non-fragment that is not ACTIVE */
    boolean unhealthy() {
        return !fragment && !ACTIVE.equals(state);
    }
}
