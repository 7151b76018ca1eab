/**
 * Media frame encryption for MatrixRTC: SFrame (RFC 9605) and the LiveKit / Element Call frame format.
 *
 * <p>Start at {@link dev.mxrtc.frame.FrameCrypto}: it makes an {@link dev.mxrtc.frame.SFrameContext} for a
 * {@link dev.mxrtc.frame.CipherSuite}, or a {@link dev.mxrtc.frame.LiveKitFrameCipher} for one participant's
 * key ring. Decryption returns a {@link dev.mxrtc.frame.FrameResult} the caller switches on; a frame that is
 * tampered with, replayed or sealed under an unknown key is rejected, never returned as garbage.
 *
 * <p>Key bytes travel in {@link dev.mxrtc.frame.KeyMaterial}, which never prints them.
 */
@Export
@Version("0.1.0")
package dev.mxrtc.frame;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
