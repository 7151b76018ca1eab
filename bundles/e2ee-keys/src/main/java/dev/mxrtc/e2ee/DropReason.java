package dev.mxrtc.e2ee;

/** Why a received key was not handed to a scheme. Logged with the sender, never with the key. */
public enum DropReason {
    /** A key event that arrived in the clear (it must arrive inside {@code m.room.encrypted}). */
    CLEARTEXT,
    /** The Olm or Megolm ciphertext did not decrypt (tampered, replayed, unknown session). */
    UNDECRYPTABLE,
    /** The content is not a key event of its format (missing or mistyped fields, bad base64). */
    MALFORMED,
    /** The content names another room than the one it was received for. */
    WRONG_ROOM,
    /** The sender's Curve25519 key is not the key {@code /keys/query} lists for the device it claims. */
    UNAUTHENTICATED_DEVICE,
    /** The authenticated sender is not (or no longer) a member of the session; the buffer expired. */
    NOT_A_MEMBER,
    /** A key from our own device. */
    SELF,
    /** An older key (earlier {@code sent_ts}) for a member and index we already have a newer key for. */
    OUTDATED,
    /** The buffer of keys waiting for their membership was full. */
    BUFFER_FULL
}
