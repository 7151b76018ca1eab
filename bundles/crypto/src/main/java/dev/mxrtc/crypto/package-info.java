/**
 * Olm and Megolm, the Matrix end-to-end encryption ratchets, as a small API: an {@link dev.mxrtc.crypto.OlmAccount}
 * (device identity and one-time keys), {@link dev.mxrtc.crypto.OlmSession} (pairwise double ratchet),
 * {@link dev.mxrtc.crypto.GroupSession} / {@link dev.mxrtc.crypto.InboundGroupSession} (Megolm), and the Matrix layer
 * {@link dev.mxrtc.crypto.DeviceCrypto} ({@code m.olm.v1.curve25519-aes-sha2} to-device and
 * {@code m.megolm.v1.aes-sha2} room events). Obtain everything from an {@link dev.mxrtc.crypto.OlmFactory} service.
 *
 * <p>Wire formats match libolm / vodozemac. Keys on the wire are unpadded base64. Nothing here prints key material.
 * Objects other than {@link dev.mxrtc.crypto.OlmFactory} and {@link dev.mxrtc.crypto.DeviceCrypto} are not thread-safe:
 * one owner (thread or lock) each. A {@link dev.mxrtc.crypto.CryptoStateListener} sees every state change of a
 * {@link dev.mxrtc.crypto.DeviceCrypto}, and {@link dev.mxrtc.crypto.CryptoState} restores it after a restart.
 */
@Export
@Version("0.2.0")
package dev.mxrtc.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
