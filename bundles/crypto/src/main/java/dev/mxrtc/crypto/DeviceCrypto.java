package dev.mxrtc.crypto;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Matrix end-to-end encryption layer of one device: signed keys for {@code /keys/upload},
 * {@code m.olm.v1.curve25519-aes-sha2} to-device messages with session reuse and replay protection, and
 * {@code m.megolm.v1.aes-sha2} room events with {@code m.room_key} sharing. All JSON in and out is strings.
 * Thread-safe (one lock owns the account and all sessions).
 */
@ProviderType
public interface DeviceCrypto {

    String userId();

    String deviceId();

    IdentityKeys identityKeys();

    /** The signed {@code device_keys} object for {@code /keys/upload}. */
    String deviceKeysJson();

    /**
     * Generates one-time keys until {@code target} unpublished ones exist and returns the signed
     * {@code one_time_keys} object ({@code signed_curve25519:<id>} → {@code {key, signatures}}).
     */
    String oneTimeKeysJson(int target);

    /** Generates a fallback key and returns the signed {@code fallback_keys} object. */
    String fallbackKeysJson();

    /** Call after {@code /keys/upload} succeeded. */
    void markKeysAsPublished();

    /**
     * Checks a {@code device_keys} object from {@code /keys/query}: its self-signature and that it supports Olm;
     * returns the device.
     */
    Device verifyDeviceKeys(String deviceKeysJson) throws CryptoException;

    /** Checks a claimed {@code signed_curve25519} key object against the device's signature; returns the key. */
    String verifyOneTimeKey(Device device, String signedKeyJson) throws CryptoException;

    /** Whether an Olm session to this device exists (otherwise claim a one-time key and call {@link #startSession}). */
    boolean hasSession(Device device);

    /** Starts an Olm session to {@code device} with its claimed one-time key. */
    void startSession(Device device, String oneTimeKey) throws CryptoException;

    /**
     * Encrypts a to-device event for {@code device} over its most recent session; returns the
     * {@code m.room.encrypted} content JSON.
     */
    String encryptToDevice(Device device, String type, String contentJson) throws CryptoException;

    /**
     * Decrypts the content of a to-device {@code m.room.encrypted} event sent by {@code sender}: tries existing
     * sessions with that key first, then (pre-key messages only) creates one from our one-time key.
     */
    DecryptedToDevice decryptToDevice(String sender, String encryptedContentJson) throws CryptoException;

    /** Encrypts a room event with this device's outbound Megolm session for the room (created when missing). */
    String encryptRoomEvent(String roomId, String type, String contentJson) throws CryptoException;

    /** The {@code m.room_key} content for the room's current outbound session (created when missing). */
    String roomKeyContent(String roomId);

    /** Drops the room's outbound session so the next event starts a new one (share its key again). */
    void rotateRoomSession(String roomId);

    /**
     * Accepts an {@code m.room_key} that arrived over Olm; returns the session id, or empty when the event is not a
     * Megolm room key. A key for a session we know at an equal or lower index is ignored.
     */
    Optional<String> acceptRoomKey(DecryptedToDevice roomKeyEvent) throws CryptoException;

    /**
     * Decrypts a room event (the full event JSON with {@code event_id} and {@code content}) in {@code roomId}. The
     * same message index seen under two event ids is refused as a replay.
     */
    DecryptedRoomEvent decryptRoomEvent(String roomId, String eventJson) throws CryptoException;
}
