/**
 * The service provider interfaces that replaceable bundles implement: focus selection, focus backends,
 * signalling transports, encryption schemes and RTC applications. Each is registered as an OSGi service;
 * the runtime picks implementations up (and drops them) while it runs.
 */
@Export
@Version("0.2.0")
package dev.mxrtc.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
