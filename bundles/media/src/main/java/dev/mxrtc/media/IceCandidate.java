package dev.mxrtc.media;

import java.util.Objects;

/** A trickled ICE candidate: the {@code candidate:...} line and the media section it belongs to. */
public record IceCandidate(String sdpMid, int sdpMLineIndex, String candidate) {
    public IceCandidate {
        Objects.requireNonNull(candidate, "candidate");
        if (sdpMLineIndex < 0) {
            throw new IllegalArgumentException("sdpMLineIndex must be >= 0");
        }
    }
}
