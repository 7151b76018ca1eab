/**
 * MatrixRTC media key transports: how a member's media key reaches the other members' devices, and what a
 * received key must prove before a scheme may use it. Implemented by the Olm to-device transport (matrix-js-sdk
 * 43's {@code io.element.call.encryption_keys} and MSC4143's {@code m.rtc.encryption_key}) and the legacy
 * Megolm room-event transport.
 *
 * <p>Also the one door to the accounts' other Olm traffic: {@link dev.mxrtc.e2ee.VerifiedToDeviceListener} receives
 * decrypted to-device events that are not keys (with the proven sender device), and
 * {@link dev.mxrtc.e2ee.EncryptedToDeviceSender} encrypts and sends one to a device.
 */
@Export
@Version("0.2.0")
package dev.mxrtc.e2ee;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
