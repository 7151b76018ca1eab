package dev.mxrtc.matrix;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives every {@code /sync} batch of an account. Register it as an OSGi service (whiteboard; the property
 * {@value #USER_ID_PROPERTY} limits it to one account) or with {@link MatrixClient#addSyncListener}.
 *
 * <p>Called on the account's sync thread, one batch at a time, in order. The since token is persisted only after
 * every listener returned, so to-device events are handed over once per batch even across a restart; a listener
 * that throws is logged and does not stop the others. Do not block: hand long work to your own executor.
 */
@ConsumerType
public interface SyncListener {

    /** Service property: only batches of this user id are delivered (absent: all accounts). */
    String USER_ID_PROPERTY = "matrix.user_id";

    /**
     * One sync answer of an account.
     *
     * @param userId the account
     * @param batch the parsed answer
     */
    void onSync(String userId, SyncBatch batch);
}
