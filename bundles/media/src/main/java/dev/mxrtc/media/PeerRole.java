package dev.mxrtc.media;

/** Which side of the offer/answer exchange a peer takes. */
public enum PeerRole {
    OFFERER, ANSWERER
}
