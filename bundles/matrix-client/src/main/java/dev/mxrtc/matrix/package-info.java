/**
 * A Matrix client-server API client, one {@link dev.mxrtc.matrix.MatrixClient} service per configured account:
 * rooms, state, message and state events with transaction ids, MSC4140 delayed events, MSC4354 sticky events,
 * to-device messages, OpenID tokens, device keys, and a {@code /sync} loop that feeds
 * {@link dev.mxrtc.api.RoomEventSink} services and {@link dev.mxrtc.matrix.SyncListener}s.
 *
 * <p>Content crosses this API as JSON text (a JSON object), like {@link dev.mxrtc.api.RoomEvent#contentJson()}:
 * callers parse it at their edge. Expected failures are {@link dev.mxrtc.matrix.MatrixException}s whose
 * {@link dev.mxrtc.matrix.MatrixError#kind()} callers switch on.
 *
 * <p>Outside OSGi, {@link dev.mxrtc.matrix.MatrixClients#open} opens an account from {@link dev.mxrtc.matrix.ClientSettings}
 * (the implementation is found with {@link java.util.ServiceLoader}).
 */
@Export
@Version("0.2.0")
package dev.mxrtc.matrix;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
