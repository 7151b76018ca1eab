/**
 * The {@code full_mesh} focus as seen by applications: a {@link dev.mxrtc.focus.fullmesh.FullMeshConnection} is
 * the {@link dev.mxrtc.api.spi.FocusBackend.FocusConnection} the backend returns, with one WebRTC peer connection
 * per other member of the session; it publishes audio and a generated video pattern, carries data-channel text and
 * reports per-peer state, received audio and video and stats to {@link dev.mxrtc.focus.fullmesh.MeshListener}s.
 */
@Export
@Version("0.2.0")
package dev.mxrtc.focus.fullmesh;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
