package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * A device's public identity keys, unpadded base64 as on the Matrix wire.
 *
 * @param curve25519 the Olm identity key (the "sender key")
 * @param ed25519 the device signing key (the "fingerprint key")
 */
public record IdentityKeys(String curve25519, String ed25519) {
    public IdentityKeys {
        Objects.requireNonNull(curve25519, "curve25519");
        Objects.requireNonNull(ed25519, "ed25519");
        if (curve25519.length() != 43 || ed25519.length() != 43) {
            throw new IllegalArgumentException("keys must be 32 bytes in unpadded base64");
        }
    }
}
