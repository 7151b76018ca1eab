/**
 * The MatrixRTC model as values and services: slots, members and the sessions computed from them
 * (MSC4143, with the legacy MSC3401 per-device state events), and the {@link dev.mxrtc.api.RtcSessions}
 * service the core bundle provides.
 *
 * <p>Everything here is an immutable record or an interface. Wire formats are parsed by the core at the
 * edge; nothing in this package carries raw JSON maps except {@link dev.mxrtc.api.RoomEvent#contentJson()},
 * the input the core parses.
 */
@Export
@Version("0.1.0")
package dev.mxrtc.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
