package dev.mxrtc.crypto.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoException.Reason;
import dev.mxrtc.crypto.CryptoState;
import dev.mxrtc.crypto.CryptoStateListener;
import dev.mxrtc.crypto.DecryptedRoomEvent;
import dev.mxrtc.crypto.DecryptedToDevice;
import dev.mxrtc.crypto.Device;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.GroupPlaintext;
import dev.mxrtc.crypto.GroupSession;
import dev.mxrtc.crypto.IdentityKeys;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.InboundRoomSession;
import dev.mxrtc.crypto.InboundSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmMessage;
import dev.mxrtc.crypto.OlmSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Matrix layer over one account. One lock owns the account and every session. Olm sessions per peer identity
 * key are kept most-recently-used first, as libolm-based clients and matrix-sdk-crypto do; Megolm replays are
 * detected by remembering which event id each (session, index) was first seen under (in memory: after a restart a
 * Megolm message can be decrypted once more under another event id).
 *
 * <p>Persistence: every change of the account, of an Olm session or of the inbound Megolm sessions is reported to
 * the {@link CryptoStateListener} under the lock, before the operation returns; {@link CryptoState} restores them.
 * Outbound Megolm sessions are not kept: after a restart the next room event starts a new one (share it again).
 */
final class DeviceCryptoImpl implements DeviceCrypto {
    static final String OLM = "m.olm.v1.curve25519-aes-sha2";
    static final String MEGOLM = "m.megolm.v1.aes-sha2";
    private static final int MAX_SESSIONS_PER_DEVICE = 10;
    private static final int MAX_SEEN_INDICES = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceCryptoImpl.class);

    private final OlmFactoryImpl factory;
    private final String userId;
    private final String deviceId;
    private final OlmAccount account;
    private final CryptoStateListener listener;
    private final IdentityKeys ours;
    private final ObjectMapper json = new ObjectMapper();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, List<OlmSession>> olmSessions = new HashMap<>();
    private final Map<String, GroupSession> outbound = new HashMap<>();
    private final Map<String, InboundRoomSession> inbound = new HashMap<>();
    private final LinkedHashMap<String, String> seenIndices = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SEEN_INDICES;
        }
    };

    DeviceCryptoImpl(OlmFactoryImpl factory, String userId, String deviceId, OlmAccount account, CryptoState restored,
            CryptoStateListener listener) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.account = Objects.requireNonNull(account, "account");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ours = account.identityKeys();
        for (OlmSession session : restored.olmSessions()) { // most recently used first: keep that order
            List<OlmSession> sessions = olmSessions.computeIfAbsent(session.theirIdentityKey(), k -> new ArrayList<>());
            if (sessions.size() < MAX_SESSIONS_PER_DEVICE) {
                sessions.addLast(session);
            }
        }
        for (InboundRoomSession s : restored.inboundSessions()) {
            inbound.put(s.roomId() + '|' + s.session().sessionId(), s);
        }
        if (!restored.olmSessions().isEmpty() || !restored.inboundSessions().isEmpty()) {
            LOG.debug("{} {}: restored {} Olm and {} Megolm sessions", userId, deviceId, restored.olmSessions().size(),
                    restored.inboundSessions().size());
        }
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    /** The account, for pickling by the owner of this object (under its own lock discipline). */
    OlmAccount account() {
        return account;
    }

    @Override
    public IdentityKeys identityKeys() {
        return ours;
    }

    // ---- keys for /keys/upload and from /keys/query, /keys/claim

    @Override
    public String deviceKeysJson() {
        ObjectNode keys = json.createObjectNode();
        keys.put("user_id", userId).put("device_id", deviceId);
        keys.putArray("algorithms").add(OLM).add(MEGOLM);
        keys.putObject("keys").put("curve25519:" + deviceId, ours.curve25519()).put("ed25519:" + deviceId,
                ours.ed25519());
        return signed(keys).toString();
    }

    @Override
    public String oneTimeKeysJson(int target) {
        lock.lock();
        try {
            int missing = target - account.unpublishedOneTimeKeys().size();
            if (missing > 0) {
                account.generateOneTimeKeys(missing);
                listener.accountChanged(account);
            }
            ObjectNode out = json.createObjectNode();
            account.unpublishedOneTimeKeys().forEach((id, key) ->
                    out.set("signed_curve25519:" + id, signed(json.createObjectNode().put("key", key))));
            return out.toString();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String fallbackKeysJson() {
        lock.lock();
        try {
            account.generateFallbackKey();
            listener.accountChanged(account);
            ObjectNode out = json.createObjectNode();
            account.unpublishedFallbackKey().forEach((id, key) -> out.set("signed_curve25519:" + id,
                    signed(json.createObjectNode().put("key", key).put("fallback", true))));
            return out.toString();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void markKeysAsPublished() {
        lock.lock();
        try {
            account.markKeysAsPublished();
            listener.accountChanged(account);
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode signed(ObjectNode object) {
        String signature;
        lock.lock();
        try {
            signature = account.sign(CanonicalJson.signingBytes(object));
        } finally {
            lock.unlock();
        }
        object.putObject("signatures").putObject(userId).put("ed25519:" + deviceId, signature);
        return object;
    }

    @Override
    public Device verifyDeviceKeys(String deviceKeysJson) throws CryptoException {
        JsonNode keys = JsonFields.parse(deviceKeysJson);
        String user = JsonFields.text(keys, "user_id");
        String device = JsonFields.text(keys, "device_id");
        String ed25519 = JsonFields.text(keys.path("keys"), "ed25519:" + device);
        String curve25519 = JsonFields.text(keys.path("keys"), "curve25519:" + device);
        boolean olm = false;
        for (JsonNode algorithm : keys.path("algorithms")) {
            olm |= OLM.equals(algorithm.asText());
        }
        if (!olm) {
            throw new CryptoException(Reason.UNSUPPORTED, "device " + device + " does not support Olm");
        }
        checkSignature(keys, user, device, ed25519);
        return new Device(user, device, new IdentityKeys(curve25519, ed25519));
    }

    @Override
    public String verifyOneTimeKey(Device device, String signedKeyJson) throws CryptoException {
        JsonNode key = JsonFields.parse(signedKeyJson);
        checkSignature(key, device.userId(), device.deviceId(), device.keys().ed25519());
        return JsonFields.text(key, "key");
    }

    private void checkSignature(JsonNode object, String user, String device, String ed25519) throws CryptoException {
        JsonNode signature = object.path("signatures").path(user).path("ed25519:" + device);
        if (!signature.isTextual() || !factory.verifyEd25519(ed25519, CanonicalJson.signingBytes(object),
                signature.textValue())) {
            throw new CryptoException(Reason.BAD_MAC, "signature of " + user + " " + device + " does not verify");
        }
    }

    // ---- Olm to-device

    @Override
    public boolean hasSession(Device device) {
        lock.lock();
        try {
            return !olmSessions.getOrDefault(device.keys().curve25519(), List.of()).isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void startSession(Device device, String oneTimeKey) throws CryptoException {
        lock.lock();
        try {
            OlmSession session = account.createOutboundSession(device.keys().curve25519(), oneTimeKey);
            remember(session);
            listener.olmSessionChanged(session);
            LOG.debug("Olm session started to {} {}", device.userId(), device.deviceId());
        } finally {
            lock.unlock();
        }
    }

    private void remember(OlmSession session) {
        List<OlmSession> sessions = olmSessions.computeIfAbsent(session.theirIdentityKey(), k -> new ArrayList<>());
        sessions.remove(session);
        sessions.addFirst(session);
        while (sessions.size() > MAX_SESSIONS_PER_DEVICE) {
            sessions.removeLast();
        }
    }

    @Override
    public String encryptToDevice(Device device, String type, String contentJson) throws CryptoException {
        ObjectNode payload = json.createObjectNode();
        payload.put("type", type).set("content", JsonFields.parseObject(contentJson));
        payload.put("sender", userId).put("sender_device", deviceId).put("recipient", device.userId());
        payload.putObject("recipient_keys").put("ed25519", device.keys().ed25519());
        payload.putObject("keys").put("ed25519", ours.ed25519());
        OlmMessage message;
        lock.lock();
        try {
            List<OlmSession> sessions = olmSessions.getOrDefault(device.keys().curve25519(), List.of());
            if (sessions.isEmpty()) {
                throw new CryptoException(Reason.UNKNOWN_SESSION, "no Olm session to " + device.deviceId());
            }
            message = sessions.getFirst().encrypt(payload.toString());
            listener.olmSessionChanged(sessions.getFirst());
        } finally {
            lock.unlock();
        }
        ObjectNode content = json.createObjectNode();
        content.put("algorithm", OLM).put("sender_key", ours.curve25519());
        content.putObject("ciphertext").putObject(device.keys().curve25519()).put("type", message.type())
                .put("body", message.body());
        return content.toString();
    }

    @Override
    public DecryptedToDevice decryptToDevice(String sender, String encryptedContentJson) throws CryptoException {
        JsonNode content = JsonFields.parse(encryptedContentJson);
        if (!OLM.equals(content.path("algorithm").asText())) {
            throw new CryptoException(Reason.UNSUPPORTED, "not " + OLM);
        }
        String senderKey = JsonFields.text(content, "sender_key");
        JsonNode mine = content.path("ciphertext").path(ours.curve25519());
        if (!mine.isObject()) {
            throw new CryptoException(Reason.WRONG_RECIPIENT, "not encrypted for this device");
        }
        int type = mine.path("type").asInt(-1);
        if (type != OlmMessage.PRE_KEY && type != OlmMessage.NORMAL) {
            throw new CryptoException(Reason.BAD_MESSAGE, "Olm message type " + type);
        }
        OlmMessage message = new OlmMessage(type, JsonFields.text(mine, "body"));
        String plaintext;
        lock.lock();
        try {
            plaintext = decryptOlm(senderKey, message);
        } finally {
            lock.unlock();
        }
        JsonNode payload = JsonFields.parse(plaintext);
        if (!sender.equals(payload.path("sender").asText())) {
            throw new CryptoException(Reason.WRONG_SENDER, "payload claims another sender");
        }
        if (!userId.equals(payload.path("recipient").asText())) {
            throw new CryptoException(Reason.WRONG_RECIPIENT, "payload is for another user");
        }
        if (!ours.ed25519().equals(payload.path("recipient_keys").path("ed25519").asText())) {
            throw new CryptoException(Reason.WRONG_RECIPIENT, "payload is for another device key");
        }
        JsonNode inner = payload.path("content");
        if (!inner.isObject()) {
            throw new CryptoException(Reason.BAD_MESSAGE, "payload has no content");
        }
        String senderDevice = payload.path("sender_device").isTextual() ? payload.get("sender_device").textValue() : null;
        return new DecryptedToDevice(sender, senderDevice, senderKey, JsonFields.text(payload.path("keys"), "ed25519"),
                JsonFields.text(payload, "type"), inner.toString());
    }

    /** Existing sessions first; a pre-key message no session matches creates one from our one-time key. */
    private String decryptOlm(String senderKey, OlmMessage message) throws CryptoException {
        CryptoException replay = null;
        for (OlmSession session : List.copyOf(olmSessions.getOrDefault(senderKey, List.of()))) {
            if (message.isPreKey()) {
                if (session.matchesInbound(senderKey, message)) {
                    String plaintext = session.decrypt(message);
                    remember(session);
                    listener.olmSessionChanged(session);
                    return plaintext;
                }
                continue;
            }
            try {
                String plaintext = session.decrypt(message);
                remember(session);
                listener.olmSessionChanged(session);
                return plaintext;
            } catch (CryptoException e) {
                if (e.reason() == Reason.REPLAY) {
                    replay = e;
                }
            }
        }
        if (!message.isPreKey()) {
            throw replay != null ? replay : new CryptoException(Reason.UNKNOWN_SESSION, "no session decrypts it");
        }
        InboundSession created = account.createInboundSession(senderKey, message);
        remember(created.session());
        listener.accountChanged(account); // its one-time key is used up
        listener.olmSessionChanged(created.session());
        LOG.debug("Olm session created from a pre-key message, session {}", created.session().sessionId());
        return created.plaintext();
    }

    // ---- Megolm room events

    @Override
    public String encryptRoomEvent(String roomId, String type, String contentJson) throws CryptoException {
        ObjectNode payload = json.createObjectNode();
        payload.put("type", type).put("room_id", roomId).set("content", JsonFields.parseObject(contentJson));
        String ciphertext;
        String sessionId;
        lock.lock();
        try {
            GroupSession session = outboundFor(roomId);
            sessionId = session.sessionId();
            ciphertext = session.encrypt(payload.toString());
        } finally {
            lock.unlock();
        }
        ObjectNode content = json.createObjectNode();
        content.put("algorithm", MEGOLM).put("sender_key", ours.curve25519()).put("ciphertext", ciphertext)
                .put("session_id", sessionId).put("device_id", deviceId);
        return content.toString();
    }

    /** The room's outbound session, created (and kept as an inbound session for our own echoes) when missing. */
    private GroupSession outboundFor(String roomId) throws CryptoException {
        GroupSession session = outbound.get(roomId);
        if (session == null) {
            session = factory.newGroupSession();
            outbound.put(roomId, session);
            InboundRoomSession own = new InboundRoomSession(roomId, ours.curve25519(), ours.ed25519(),
                    factory.inboundGroupSession(session.sessionKey()));
            inbound.put(roomId + '|' + session.sessionId(), own);
            listener.inboundSessionChanged(own);
        }
        return session;
    }

    @Override
    public String roomKeyContent(String roomId) {
        lock.lock();
        try {
            GroupSession session = outboundFor(roomId);
            ObjectNode content = json.createObjectNode();
            content.put("algorithm", MEGOLM).put("room_id", roomId).put("session_id", session.sessionId())
                    .put("session_key", session.sessionKey());
            return content.toString();
        } catch (CryptoException e) {
            throw new IllegalStateException("our own session key does not parse", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void rotateRoomSession(String roomId) {
        lock.lock();
        try {
            outbound.remove(roomId);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<String> acceptRoomKey(DecryptedToDevice event) throws CryptoException {
        if (!"m.room_key".equals(event.type())) {
            return Optional.empty();
        }
        JsonNode content = JsonFields.parse(event.contentJson());
        if (!MEGOLM.equals(content.path("algorithm").asText())) {
            return Optional.empty();
        }
        String roomId = JsonFields.text(content, "room_id");
        String sessionId = JsonFields.text(content, "session_id");
        InboundGroupSession session = factory.inboundGroupSession(JsonFields.text(content, "session_key"));
        if (!session.sessionId().equals(sessionId)) {
            throw new CryptoException(Reason.BAD_MESSAGE, "session_id does not match the session key");
        }
        lock.lock();
        try {
            String key = roomId + '|' + sessionId;
            InboundRoomSession known = inbound.get(key);
            if (known != null && !known.senderKey().equals(event.senderKey())) {
                throw new CryptoException(Reason.WRONG_SENDER, "session " + sessionId + " known from another device");
            }
            if (known == null || known.session().firstKnownIndex() > session.firstKnownIndex()) {
                InboundRoomSession accepted = new InboundRoomSession(roomId, event.senderKey(), event.senderEd25519(),
                        session);
                inbound.put(key, accepted);
                listener.inboundSessionChanged(accepted);
                LOG.debug("room key accepted: room {} session {} from {}", roomId, sessionId, event.sender());
            }
        } finally {
            lock.unlock();
        }
        return Optional.of(sessionId);
    }

    @Override
    public DecryptedRoomEvent decryptRoomEvent(String roomId, String eventJson) throws CryptoException {
        JsonNode event = JsonFields.parse(eventJson);
        JsonNode content = event.path("content");
        if (!MEGOLM.equals(content.path("algorithm").asText())) {
            throw new CryptoException(Reason.UNSUPPORTED, "not " + MEGOLM);
        }
        String sessionId = JsonFields.text(content, "session_id");
        String eventId = event.path("event_id").asText("");
        GroupPlaintext plain;
        InboundRoomSession entry;
        lock.lock();
        try {
            entry = inbound.get(roomId + '|' + sessionId);
            if (entry == null) {
                throw new CryptoException(Reason.UNKNOWN_SESSION, "no room key for session " + sessionId);
            }
            JsonNode claimedSenderKey = content.path("sender_key");
            if (claimedSenderKey.isTextual() && !claimedSenderKey.textValue().equals(entry.senderKey())) {
                throw new CryptoException(Reason.WRONG_SENDER, "session " + sessionId + " is from another device");
            }
            plain = entry.session().decrypt(JsonFields.text(content, "ciphertext"));
            String seenKey = sessionId + '|' + plain.messageIndex();
            String firstSeen = seenIndices.putIfAbsent(seenKey, eventId);
            if (firstSeen != null && !firstSeen.equals(eventId)) {
                throw new CryptoException(Reason.REPLAY,
                        "index " + plain.messageIndex() + " of session " + sessionId + " already used by " + firstSeen);
            }
        } finally {
            lock.unlock();
        }
        JsonNode payload = JsonFields.parse(plain.plaintext());
        if (!roomId.equals(payload.path("room_id").asText())) {
            throw new CryptoException(Reason.WRONG_RECIPIENT, "event was encrypted for another room");
        }
        JsonNode inner = payload.path("content");
        if (!inner.isObject()) {
            throw new CryptoException(Reason.BAD_MESSAGE, "payload has no content");
        }
        return new DecryptedRoomEvent(JsonFields.text(payload, "type"), inner.toString(), entry.senderKey(),
                entry.senderEd25519(), sessionId, plain.messageIndex());
    }

    @Override
    public String toString() {
        return "DeviceCrypto[" + userId + " " + deviceId + "]";
    }
}
