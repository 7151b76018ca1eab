package dev.mxrtc.matrix;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.api.RoomEvent;

/**
 * A logged-in Matrix account: the client-server API calls mxrtc needs. One service per configured account,
 * with the service properties {@value #USER_ID_PROPERTY} and {@value #HOMESERVER_PROPERTY}.
 *
 * <p>Every call blocks until the homeserver answers (bounded by the client's request timeout) and is safe from
 * any thread. Transient failures (429 with its retry-after, 5xx, network) are retried a bounded number of times
 * with the same transaction id; what is left throws {@link MatrixException} with the Matrix {@code errcode}.
 * Content is JSON text (a JSON object).
 */
@ProviderType
public interface MatrixClient {

    /** Service property: the account's user id. */
    String USER_ID_PROPERTY = "matrix.user_id";
    /** Service property: the homeserver base URL. */
    String HOMESERVER_PROPERTY = "matrix.homeserver";

    /** @return the account's user id */
    String userId();

    /** @return the device id of the session, once logged in */
    String deviceId();

    /** @return the homeserver base URL */
    String homeserverUrl();

    /** @return {@code /versions}, fetched once and cached */
    Versions versions();

    /** @return {@code /account/whoami} */
    WhoAmI whoAmI();

    /** Logs the session out (the access token becomes invalid) and stops syncing. */
    void logout();

    // rooms

    /** @return the new room's id */
    String createRoom(CreateRoom request);

    /** @return the joined room's id */
    String joinRoom(String roomIdOrAlias);

    void leaveRoom(String roomId);

    void invite(String roomId, String userId);

    /** @return the room's {@code m.room.member} events */
    List<RoomEvent> members(String roomId);

    /** @return the content of a state event, empty if there is none ({@code M_NOT_FOUND}) */
    Optional<String> stateEvent(String roomId, String type, String stateKey);

    /** @return the room's current state */
    List<RoomEvent> state(String roomId);

    /**
     * Sends a message or state event, delayed and/or sticky as the event says.
     *
     * @return {@link SendResult.Sent} or, for a delayed event, {@link SendResult.Scheduled}
     * @throws MatrixException with {@link ErrorKind#MAX_DELAY_EXCEEDED} and the server's maximum if the delay is
     *         too long
     */
    SendResult send(OutgoingEvent event);

    /** @return the redaction's event id */
    String redact(String roomId, String eventId, Optional<String> reason, Optional<String> txnId);

    /**
     * @param relType the relation type to filter on, e.g. {@code m.reference}
     * @param eventType the event type to filter on (needs relType)
     * @param from a pagination token from a previous page
     */
    Relations relations(String roomId, String eventId, Optional<String> relType, Optional<String> eventType,
            Optional<String> from);

    // delayed events (MSC4140)

    /**
     * Restarts, cancels or sends a delayed event. Uses {@code POST .../delayed_events/{id}/{action}} and falls back to
     * the older body form on {@code M_UNRECOGNIZED}.
     *
     * @throws MatrixException {@link ErrorKind#NOT_FOUND} if the event already fired or was cancelled
     */
    void updateDelayedEvent(String delayId, DelayedAction action);

    /** @return this account's scheduled delayed events */
    List<DelayedEvent> delayedEvents();

    // to-device

    /**
     * Sends to-device events: {@code PUT /sendToDevice/{type}/{txnId}}.
     *
     * @param messages user id → device id (or {@code *}) → content JSON
     * @param txnId the transaction id; empty to let the client pick one (kept across its own retries)
     */
    void sendToDevice(String type, Map<String, Map<String, String>> messages, Optional<String> txnId);

    // identity and keys

    /** @return an OpenID token for third parties (LiveKit JWT service) */
    OpenIdToken requestOpenIdToken();

    /** {@code POST /keys/upload}: body and answer are JSON text. */
    String uploadKeys(String requestJson);

    /** {@code POST /keys/query}: body and answer are JSON text. */
    String queryKeys(String requestJson);

    /** {@code POST /keys/claim}: body and answer are JSON text. */
    String claimKeys(String requestJson);

    // sync

    /**
     * Adds a listener for this account's sync batches (outside OSGi, or for code that owns the client).
     *
     * @return closes the registration
     */
    AutoCloseable addSyncListener(SyncListener listener);

    /** @return the since token of the last batch handed to listeners, if any */
    Optional<String> sinceToken();
}
