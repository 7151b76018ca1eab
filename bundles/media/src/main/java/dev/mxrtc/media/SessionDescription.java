package dev.mxrtc.media;

import java.util.Objects;

/** An SDP offer or answer, passed through signalling untouched. */
public record SessionDescription(Type type, String sdp) {

    public enum Type {
        OFFER, ANSWER
    }

    public SessionDescription {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sdp, "sdp");
    }
}
