package dev.mxrtc.e2ee.schemes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collection;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/**
 * The {@code per_sender_ratchet} derivations. The salt of a membership change is computed from what every member
 * already has, so no member sends it (and none can withhold it):
 * {@code salt = SHA-256("mxrtc.per_sender_ratchet.salt" ‖ 0x0A ‖ sorted member ids joined by 0x0A)};
 * a sender's next key is {@code HKDF-SHA-256(ikm = previous key, salt, info = "mxrtc.per_sender_ratchet " ‖ member id)},
 * as long as the previous key, at the next index (mod 256).
 */
final class RatchetKdf {

    private RatchetKdf() {
    }

    static byte[] salt(Collection<String> memberIds) {
        StringBuilder s = new StringBuilder("mxrtc.per_sender_ratchet.salt");
        memberIds.stream().sorted().forEach(id -> s.append('\n').append(id));
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static MediaKey advance(MediaKey previous, byte[] salt, String memberId) {
        byte[] ikm = previous.key();
        byte[] prk = null;
        byte[] okm = null;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(("mxrtc.per_sender_ratchet " + memberId).getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 1);
            okm = mac.doFinal();
            return new MediaKey((previous.index() + 1) % 256, Arrays.copyOf(okm, Math.min(ikm.length, okm.length)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
        }
    }
}
