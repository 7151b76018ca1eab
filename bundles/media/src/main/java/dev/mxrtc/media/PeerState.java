package dev.mxrtc.media;

/** The W3C RTCPeerConnectionState values. */
public enum PeerState {
    NEW, CONNECTING, CONNECTED, DISCONNECTED, FAILED, CLOSED
}
