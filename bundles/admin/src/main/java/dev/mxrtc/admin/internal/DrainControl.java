package dev.mxrtc.admin.internal;

import dev.mxrtc.admin.Drain;

/**
 * The writable side of {@link Drain}: registered as a service type of this bundle's private package, so only
 * the console (same bundle) can change the flag; everyone else sees the read-only {@link Drain}.
 */
public interface DrainControl extends Drain {

    /** Starts draining. @return whether this call changed the flag */
    boolean start();

    /** Stops draining. @return whether this call changed the flag */
    boolean stop();
}
