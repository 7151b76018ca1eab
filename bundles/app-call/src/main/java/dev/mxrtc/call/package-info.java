/**
 * The {@code m.call} application (MSC4196) as services: ringing (MSC4075 notifications), declines (MSC4310),
 * Element Call reactions and raised hands ({@link dev.mxrtc.call.CallService}, events to
 * {@link dev.mxrtc.call.CallListener} services) and the call history ({@link dev.mxrtc.call.CallHistory}).
 */
@Export
@Version("0.1.0")
package dev.mxrtc.call;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
