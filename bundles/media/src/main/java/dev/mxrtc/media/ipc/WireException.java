package dev.mxrtc.media.ipc;

/** A line that is not a valid IPC message. */
public final class WireException extends Exception {

    private static final long serialVersionUID = 1L;

    public WireException(String message) {
        super(message);
    }
}
