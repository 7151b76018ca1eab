/**
 * Media for server-side participants. A {@link dev.mxrtc.media.MediaEngine} makes {@link dev.mxrtc.media.Peer}s:
 * WebRTC peer connections that publish a tone or PCM, report the level and dominant frequency of what they receive,
 * and carry text on a data channel. The peers live in a supervised child process; when it crashes it is restarted
 * and every peer renegotiates (the caller's signalling carries the new offer/answer).
 */
@Export
@Version("0.1.0")
package dev.mxrtc.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
