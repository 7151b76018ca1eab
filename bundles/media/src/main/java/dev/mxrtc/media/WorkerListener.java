package dev.mxrtc.media;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Hears about the media process. Called on the engine's event thread. */
@ConsumerType
public interface WorkerListener {

    /** The media process was restarted; these peers are being re-created and need renegotiating. */
    void onWorkerRestarted(List<String> peerIds, WorkerStatus status);
}
