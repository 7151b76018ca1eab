package dev.mxrtc.crypto;

import java.util.Objects;

/**
 * The result of creating an Olm session from a pre-key message: the session and the first plaintext.
 */
public record InboundSession(OlmSession session, String plaintext) {
    public InboundSession {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(plaintext, "plaintext");
    }

    @Override
    public String toString() {
        return "InboundSession[session=" + session.sessionId() + ", plaintext=<" + plaintext.length() + " chars>]";
    }
}
