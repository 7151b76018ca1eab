/** Persistence of Olm/Megolm state: {@link dev.mxrtc.crypto.store.CryptoStore} and its H2 implementation. */
@Export
@Version("0.2.0")
package dev.mxrtc.crypto.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
