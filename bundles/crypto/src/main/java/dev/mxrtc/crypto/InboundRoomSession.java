package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * A Megolm inbound session as a {@link DeviceCrypto} keeps it: the room, the device it came from (Curve25519 key
 * proven by the Olm session that carried the {@code m.room_key}, and the Ed25519 key that payload claimed) and the
 * session. Handed to {@link CryptoStateListener} and back in {@link CryptoState}.
 */
public record InboundRoomSession(String roomId, String senderKey, String senderEd25519, InboundGroupSession session) {
    public InboundRoomSession {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(senderKey, "senderKey");
        Objects.requireNonNull(senderEd25519, "senderEd25519");
        Objects.requireNonNull(session, "session");
    }

    @Override
    public String toString() {
        return "InboundRoomSession[room=" + roomId + ", session=" + session.sessionId() + "]";
    }
}
