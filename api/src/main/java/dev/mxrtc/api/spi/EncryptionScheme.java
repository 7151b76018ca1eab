package dev.mxrtc.api.spi;

import java.util.Arrays;
import java.util.Optional;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;

/**
 * How media keys are agreed for a session (e.g. {@code per_member}, {@code shared_key},
 * {@code per_sender_ratchet}). Register as a service with the property {@value #TYPE_PROPERTY}.
 */
public interface EncryptionScheme {

    /** Service property naming the scheme. */
    String TYPE_PROPERTY = "mxrtc.encryption.scheme";

    /** @return the scheme's name */
    String type();

    /** Starts keying a local member's participation in a session. */
    Keying open(Session session, Member self, KeySender sender);

    /** One local member's keys in one session. */
    interface Keying extends AutoCloseable {

        /** The session's members changed: rotate or distribute keys as the scheme requires. */
        void membersChanged(Session session);

        /** A key arrived from {@code from}, already authenticated by the key transport. */
        void keyReceived(Member from, MediaKey key);

        /** @return the key the local member encrypts with now */
        Optional<MediaKey> currentKey();

        /** @return the key {@code from} encrypts with under {@code index}, if known */
        Optional<MediaKey> keyOf(Member from, int index);

        @Override
        void close();
    }

    /** Sends a media key to members' devices (over Olm to-device, in the room's format). */
    interface KeySender {
        void send(Iterable<Member> to, MediaKey key);
    }

    /**
     * A media key and its index (0-255). The bytes are copied in and out; {@link #toString()} never shows them.
     */
    record MediaKey(int index, byte[] key) {
        public MediaKey {
            if (index < 0 || index > 255) {
                throw new IllegalArgumentException("key index is 0-255: " + index);
            }
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MediaKey other && other.index == index && Arrays.equals(other.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * index + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "MediaKey[index=" + index + ", " + key.length + " bytes]";
        }
    }
}
