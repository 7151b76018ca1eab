package dev.mxrtc.e2ee.keys;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.matrix.MatrixClient;

/**
 * Other users' devices as {@code /keys/query} lists them (self-signatures checked by {@link DeviceCrypto}), and Olm
 * sessions to them ({@code /keys/claim} on first use). The Curve25519 key of a listed device is what proves who sent
 * an Olm message. One lock owns the cache; HTTP calls are made outside it. A user is re-queried at most once per
 * {@code minRequeryMs} on a miss, so a stranger's messages cannot make us hammer the homeserver.
 */
final class DeviceDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MatrixClient client;
    private final DeviceCrypto crypto;
    private final Clock clock;
    private final long minRequeryMs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Map<String, Device>> devices = new HashMap<>();
    private final Map<String, Long> lastQuery = new LinkedHashMap<>();

    DeviceDirectory(MatrixClient client, DeviceCrypto crypto, Clock clock, long minRequeryMs) {
        this.client = Objects.requireNonNull(client, "client");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.minRequeryMs = minRequeryMs;
    }

    /** The device, querying the user's devices when it is not known yet. */
    Optional<Device> device(String userId, String deviceId) {
        Optional<Device> known = cached(userId).map(m -> m.get(deviceId));
        if (known.isPresent()) {
            return known;
        }
        return refresh(userId, false).flatMap(m -> Optional.ofNullable(m.get(deviceId)));
    }

    /** The user's device with this Curve25519 identity key, querying once when none matches. */
    Optional<Device> deviceByCurveKey(String userId, String curve25519) {
        Optional<Device> known = cached(userId).flatMap(m -> find(m.values(), curve25519));
        if (known.isPresent()) {
            return known;
        }
        return refresh(userId, false).flatMap(m -> find(m.values(), curve25519));
    }

    /** Forget a user's devices (their device list changed); the next lookup queries again. */
    void invalidate(String userId) {
        lock.lock();
        try {
            devices.remove(userId);
            lastQuery.remove(userId);
        } finally {
            lock.unlock();
        }
    }

    /** Makes sure an Olm session to the device exists, claiming a one-time key if needed. */
    void ensureSession(Device device) throws CryptoException {
        if (crypto.hasSession(device)) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("one_time_keys").putObject(device.userId()).put(device.deviceId(), "signed_curve25519");
        JsonNode answer = read(client.claimKeys(body.toString()));
        JsonNode keys = answer.path("one_time_keys").path(device.userId()).path(device.deviceId());
        Iterator<Map.Entry<String, JsonNode>> it = keys.fields();
        if (!it.hasNext()) {
            throw new CryptoException(CryptoException.Reason.UNKNOWN_ONE_TIME_KEY,
                    "no one-time key for " + device.userId() + "/" + device.deviceId());
        }
        String oneTimeKey = crypto.verifyOneTimeKey(device, it.next().getValue().toString());
        crypto.startSession(device, oneTimeKey);
        LOG.debug("started Olm session to {}/{}", device.userId(), device.deviceId());
    }

    private Optional<Map<String, Device>> cached(String userId) {
        lock.lock();
        try {
            return Optional.ofNullable(devices.get(userId));
        } finally {
            lock.unlock();
        }
    }

    private Optional<Map<String, Device>> refresh(String userId, boolean force) {
        long now = clock.millis();
        lock.lock();
        try {
            Long last = lastQuery.get(userId);
            if (!force && last != null && now - last < minRequeryMs) {
                return Optional.ofNullable(devices.get(userId));
            }
            lastQuery.put(userId, now);
        } finally {
            lock.unlock();
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("device_keys").putArray(userId);
        Map<String, Device> found = new HashMap<>();
        JsonNode answer = read(client.queryKeys(body.toString()));
        answer.path("device_keys").path(userId).fields().forEachRemaining(e -> {
            try {
                Device d = crypto.verifyDeviceKeys(e.getValue().toString());
                if (d.userId().equals(userId) && d.deviceId().equals(e.getKey())) {
                    found.put(d.deviceId(), d);
                } else {
                    LOG.warn("keys/query: device keys of {}/{} name another device; ignored", userId, e.getKey());
                }
            } catch (CryptoException | RuntimeException ex) {
                LOG.warn("keys/query: device keys of {}/{} refused: {}", userId, e.getKey(), ex.getMessage());
            }
        });
        lock.lock();
        try {
            devices.put(userId, Map.copyOf(found));
        } finally {
            lock.unlock();
        }
        return Optional.of(Map.copyOf(found));
    }

    private static Optional<Device> find(Collection<Device> devices, String curve25519) {
        return devices.stream().filter(d -> d.keys().curve25519().equals(curve25519)).findFirst();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("homeserver answered with invalid JSON", e);
        }
    }
}
