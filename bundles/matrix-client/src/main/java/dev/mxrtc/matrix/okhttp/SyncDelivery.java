package dev.mxrtc.matrix.okhttp;

import dev.mxrtc.matrix.SyncBatch;

/** Where the sync loop hands batches, on its thread. */
interface SyncDelivery {

    /** An incremental batch of the since-token chain: everything in it is handed over exactly once. */
    void batch(SyncBatch batch);

    /**
     * @return whether a consumer needs the rooms' full current state (it started after the loop, or the process
     *         restarted and resumes from a persisted since token, so in-memory consumers have nothing)
     */
    boolean snapshotWanted();

    /**
     * A full sync without since token, outside the chain: only its rooms matter (to-device events in it are not
     * acknowledged, so they come again in the chain).
     */
    void snapshot(SyncBatch snapshot);
}
