/**
 * The admin console's one piece of Java API: the {@link dev.mxrtc.admin.Drain} flag, a service other bundles
 * read to stop accepting new participations. The console itself is HTTP only.
 */
@Export
@Version("0.1.0")
package dev.mxrtc.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
