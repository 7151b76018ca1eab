package dev.mxrtc.e2ee.schemes;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/**
 * Every sender's keys by index (0-255, so at most 256 per sender, as Element Call's keyring): late frames still use
 * old indices, so nothing is removed while the keying lives. Thread-safe.
 */
final class KeyRing {

    private final Map<String, Map<Integer, MediaKey>> keys = new ConcurrentHashMap<>();

    static String id(Member m) {
        return m.userId() + "|" + m.deviceId() + "|" + m.memberId();
    }

    void put(Member from, MediaKey key) {
        keys.computeIfAbsent(id(from), k -> new ConcurrentHashMap<>()).put(key.index(), key);
    }

    Optional<MediaKey> get(Member from, int index) {
        return Optional.ofNullable(keys.getOrDefault(id(from), Map.of()).get(index));
    }

    void clear() {
        keys.clear();
    }
}
