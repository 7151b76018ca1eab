package dev.mxrtc.crypto;

import java.util.List;

/**
 * The sessions a {@link DeviceCrypto} starts with after a restart, as a store saved them through
 * {@link CryptoStateListener}.
 *
 * @param olmSessions Olm sessions, most recently used first (per peer identity key the order is kept)
 * @param inboundSessions Megolm inbound sessions
 */
public record CryptoState(List<OlmSession> olmSessions, List<InboundRoomSession> inboundSessions) {

    /** No sessions: a new device. */
    public static final CryptoState EMPTY = new CryptoState(List.of(), List.of());

    public CryptoState {
        olmSessions = List.copyOf(olmSessions);
        inboundSessions = List.copyOf(inboundSessions);
    }
}
