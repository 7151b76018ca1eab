package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * A decrypted Megolm message and the ratchet index it was encrypted at; a caller that sees the same index under a
 * different event id is looking at a replay.
 */
public record GroupPlaintext(String plaintext, long messageIndex) {
    public GroupPlaintext {
        Objects.requireNonNull(plaintext, "plaintext");
        if (messageIndex < 0 || messageIndex > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("message index out of range");
        }
    }

    @Override
    public String toString() {
        return "GroupPlaintext[index=" + messageIndex + ", plaintext=<" + plaintext.length() + " chars>]";
    }
}
