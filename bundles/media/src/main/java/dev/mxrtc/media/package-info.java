/**
 * Media for server-side participants. A {@link dev.mxrtc.media.MediaEngine} makes {@link dev.mxrtc.media.Peer}s:
 * WebRTC peer connections that publish a tone or PCM and a generated video pattern, report the level and dominant
 * frequency of the audio and the size, rate and colour of the video they receive (and, on request, the decoded PCM and
 * I420 frames themselves), and carry text on a data channel. The peers live in a supervised child process; when it
 * crashes it is restarted and every peer renegotiates (the caller's signalling carries the new offer/answer).
 */
@Export
@Version("0.2.0")
package dev.mxrtc.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
