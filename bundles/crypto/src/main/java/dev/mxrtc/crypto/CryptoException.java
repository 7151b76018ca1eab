package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * A message or key that cannot be used: the {@link Reason} says why, so callers can switch on it
 * (e.g. ask for a new session on {@link Reason#UNKNOWN_SESSION}). Messages never contain key material.
 */
public final class CryptoException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an operation was refused. */
    public enum Reason {
        /** Bytes that do not parse as the expected message, key or pickle format. */
        BAD_MESSAGE,
        /** An unsupported message version or algorithm. */
        UNSUPPORTED,
        /** The MAC or signature does not verify: tampered, or the wrong key. */
        BAD_MAC,
        /** A message already decrypted (its message key is gone), or an index seen with another event id. */
        REPLAY,
        /** A message too far ahead (more skipped keys than allowed). */
        TOO_FAR_AHEAD,
        /** A Megolm message older than the first index this session knows. */
        UNKNOWN_INDEX,
        /** No session can decrypt this message. */
        UNKNOWN_SESSION,
        /** A pre-key message for a one-time key we do not have (never had, or already used). */
        UNKNOWN_ONE_TIME_KEY,
        /** The decrypted payload was addressed to someone else, or claims another sender. */
        WRONG_RECIPIENT,
        /** The decrypted payload was sent by another user, device or key than the envelope says. */
        WRONG_SENDER,
        /** A pickle that does not open with the given key. */
        BAD_PICKLE_KEY
    }

    private final Reason reason;

    public CryptoException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CryptoException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
