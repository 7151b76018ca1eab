package dev.mxrtc.matrix.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.DelayedAction;
import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixException;
import dev.mxrtc.matrix.OutgoingEvent;
import dev.mxrtc.matrix.SendResult;
import dev.mxrtc.matrix.Versions;
import dev.mxrtc.matrix.okhttp.ScriptedHomeserver.Reply;

/**
 * Request shapes and fault paths of the client calls against {@link ScriptedHomeserver} (a scripted test double of a
 * homeserver: 429 with retry-after, 5xx retries with the same transaction id, M_UNRECOGNIZED fallback, restart 404,
 * Synapse's max-delay error). The sync loop is off here; {@link SyncLoopTest} covers it.
 */
@Timeout(20)
class ClientRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOM = "!room:hs.test";

    @TempDir
    Path dir;
    private ScriptedHomeserver hs;
    private MatrixAccount account;
    private MatrixClient client;

    @BeforeEach
    void login() throws Exception {
        hs = new ScriptedHomeserver().withAccount(Accounts4Test.USER, Accounts4Test.DEVICE, Accounts4Test.TOKEN);
        account = Accounts4Test.started(Accounts4Test.settings(hs, dir).withSync(false),
                new SinkFeeder(Accounts4Test.USER));
        client = account.client();
    }

    @AfterEach
    void stop() {
        account.stop();
        hs.close();
    }

    @Test
    void passwordLoginSendsUserIdentifierAndKeepsTheSession() throws Exception {
        var login = hs.seen("POST", "/_matrix/client/v3/login").get(0);
        JsonNode body = JSON.readTree(login.body());
        assertEquals("m.login.password", body.path("type").asText());
        assertEquals("m.id.user", body.path("identifier").path("type").asText());
        assertEquals(Accounts4Test.USER, body.path("identifier").path("user").asText());
        assertEquals("pw", body.path("password").asText());
        assertFalse(login.authenticated());
        assertEquals(Accounts4Test.DEVICE, client.deviceId());
        assertEquals(Accounts4Test.USER, client.whoAmI().userId());
        assertEquals("Bearer " + Accounts4Test.TOKEN,
                hs.seen("GET", "/_matrix/client/v3/account/whoami").get(0).authorization());
        // kept for the next start, owner-only
        String stored = java.nio.file.Files.readString(dir.resolve("session.json"));
        assertTrue(stored.contains(Accounts4Test.TOKEN));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(dir.resolve("session.json"))));
    }

    @Test
    void versionsDetectUnstableFeatures() {
        Versions v = client.versions();
        assertTrue(v.supportsDelayedEvents());
        assertTrue(v.supportsStickyEvents());
        assertFalse(v.supportsMatrixRtc());
        assertTrue(v.supportsVersion("v1.12"));
        client.versions();
        assertEquals(1, hs.seen("GET", "/_matrix/client/versions").size(), "cached");
    }

    @Test
    void messageRetriedAfter5xxKeepsItsTransactionId() {
        hs.on("PUT", "/_matrix/client/v3/rooms/.*/send/.*", Reply.ok("{\"event_id\":\"$e1\"}"));
        hs.once("PUT", "/_matrix/client/v3/rooms/.*/send/.*", Reply.error(502, "M_UNKNOWN", ""));
        hs.once("PUT", "/_matrix/client/v3/rooms/.*/send/.*", Reply.error(500, "M_UNKNOWN", ""));
        SendResult r = client.send(OutgoingEvent.message(ROOM, "m.room.message", "{\"body\":\"hi\"}"));
        assertEquals(new SendResult.Sent("$e1"), r);
        var sends = hs.seen("PUT", "/_matrix/client/v3/rooms/.*/send/.*");
        assertEquals(3, sends.size());
        assertEquals(1, sends.stream().map(ScriptedHomeserver.Seen::path).distinct().count(), "same txn id: " + sends);
        assertTrue(sends.get(0).path().startsWith("/_matrix/client/v3/rooms/" + ROOM + "/send/m.room.message/mxrtc"));
        // a second message gets a new transaction id
        client.send(OutgoingEvent.message(ROOM, "m.room.message", "{\"body\":\"again\"}"));
        var all = hs.seen("PUT", "/_matrix/client/v3/rooms/.*/send/.*");
        assertNotEquals(all.get(0).path(), all.get(3).path());
    }

    @Test
    void rateLimitWaitsRetryAfterMs() {
        hs.on("PUT", "/_matrix/client/v3/rooms/.*/state/.*", Reply.ok("{\"event_id\":\"$s\"}"));
        hs.once("PUT", "/_matrix/client/v3/rooms/.*/state/.*",
                Reply.error(429, "M_LIMIT_EXCEEDED", ",\"retry_after_ms\":300"));
        long t0 = System.nanoTime();
        client.send(OutgoingEvent.state(ROOM, "m.room.topic", "", "{\"topic\":\"t\"}"));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(elapsedMs >= 300, "waited " + elapsedMs + " ms");
        assertEquals(2, hs.seen("PUT", ".*/state/m.room.topic/").size());
    }

    @Test
    void rateLimitHonoursRetryAfterHeaderAndSurfacesWhenRetriesRunOut() {
        hs.on("POST", "/_matrix/client/v3/createRoom",
                Reply.error(429, "M_LIMIT_EXCEEDED", "").withHeader("Retry-After", "0"));
        MatrixException e = assertThrows(MatrixException.class,
                () -> client.createRoom(CreateRoom.withPreset(CreateRoom.Preset.PRIVATE_CHAT)));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(429, e.error().httpStatus());
        assertEquals(0L, e.error().retryAfterMs().getAsLong());
        assertEquals(1 + 5, hs.seen("POST", "/_matrix/client/v3/createRoom").size(), "max_retries 5");
    }

    @Test
    void createRoomIsNotRepeatedOnServerError() {
        hs.on("POST", "/_matrix/client/v3/createRoom", Reply.error(500, "M_UNKNOWN", ""));
        MatrixException e = assertThrows(MatrixException.class,
                () -> client.createRoom(CreateRoom.withPreset(CreateRoom.Preset.PRIVATE_CHAT)));
        assertEquals(ErrorKind.SERVER_ERROR, e.kind());
        assertEquals(1, hs.seen("POST", "/_matrix/client/v3/createRoom").size(), "not idempotent");
    }

    @Test
    void createRoomWithPresetInitialStateAndPowerLevels() throws Exception {
        hs.on("POST", "/_matrix/client/v3/createRoom", Reply.ok("{\"room_id\":\"!new:hs.test\"}"));
        String id = client.createRoom(CreateRoom.withPreset(CreateRoom.Preset.TRUSTED_PRIVATE_CHAT).withName("call")
                .withInvite(List.of("@a:hs.test"))
                .withInitialState(List.of(new CreateRoom.InitialState("m.room.encryption", "",
                        "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}")))
                .withPowerLevelOverride("{\"events\":{\"org.matrix.msc3401.call.member\":0}}"));
        assertEquals("!new:hs.test", id);
        JsonNode body = JSON.readTree(hs.seen("POST", "/_matrix/client/v3/createRoom").get(0).body());
        assertEquals("trusted_private_chat", body.path("preset").asText());
        assertEquals("call", body.path("name").asText());
        assertEquals("@a:hs.test", body.path("invite").get(0).asText());
        assertEquals("m.megolm.v1.aes-sha2", body.path("initial_state").get(0).path("content").path("algorithm")
                .asText());
        assertEquals(0, body.path("power_level_content_override").path("events")
                .path("org.matrix.msc3401.call.member").asInt(-1));
    }

    @Test
    void delayedStickyEventUsesQueryParametersAndReturnsTheDelayId() {
        hs.on("PUT", "/_matrix/client/v3/rooms/.*/send/.*", Reply.ok("{\"delay_id\":\"syd_1\"}"));
        SendResult r = client.send(OutgoingEvent.message(ROOM, "org.matrix.msc4143.rtc.member",
                "{\"msc4354_sticky_key\":\"@bot:hs.test:DEV1\"}").withTxnId("t1").delayed(8000).sticky(3_600_000));
        assertEquals(new SendResult.Scheduled("syd_1"), r);
        var put = hs.seen("PUT", ".*/send/.*").get(0);
        assertEquals("/_matrix/client/v3/rooms/" + ROOM + "/send/org.matrix.msc4143.rtc.member/t1", put.path());
        assertEquals("8000", put.param("org.matrix.msc4140.delay"));
        assertEquals("3600000", put.param("org.matrix.msc4354.sticky_duration_ms"));
    }

    @Test
    void delayedStateEventEncodesTheStateKey() {
        hs.on("PUT", "/_matrix/client/v3/rooms/.*/state/.*", Reply.ok("{\"delay_id\":\"syd_2\"}"));
        String key = "_@bot:hs.test_DEV1_m.call";
        SendResult r = client.send(OutgoingEvent.state(ROOM, "org.matrix.msc3401.call.member", key, "{}")
                .delayed(8000));
        assertEquals(new SendResult.Scheduled("syd_2"), r);
        var put = hs.seen("PUT", ".*/state/.*").get(0);
        assertEquals("/_matrix/client/v3/rooms/" + ROOM + "/state/org.matrix.msc3401.call.member/" + key, put.path());
        assertNull(put.param("org.matrix.msc4354.sticky_duration_ms"));
    }

    @Test
    void pathSegmentsAreEncoded() {
        hs.on("PUT", "/_matrix/client/v3/rooms/.*/state/.*", Reply.ok("{\"event_id\":\"$s\"}"));
        client.send(OutgoingEvent.state(ROOM, "m.x", "a/b#c?d %", "{}"));
        var put = hs.seen("PUT", ".*/state/.*").get(0);
        assertTrue(put.rawPath().endsWith("/state/m.x/a%2Fb%23c%3Fd%20%25"), put.rawPath());
        assertEquals("/_matrix/client/v3/rooms/" + ROOM + "/state/m.x/a/b#c?d %", put.path());
    }

    @Test
    void maxDelayExceededSynapseStyleCarriesTheMaximum() {
        hs.on("PUT", ".*/send/.*", Reply.error(400, "M_UNKNOWN",
                ",\"org.matrix.msc4140.errcode\":\"M_MAX_DELAY_EXCEEDED\",\"org.matrix.msc4140.max_delay\":4000"));
        MatrixException e = assertThrows(MatrixException.class, () -> client.send(
                OutgoingEvent.message(ROOM, "m.room.message", "{}").delayed(8000)));
        assertEquals(ErrorKind.MAX_DELAY_EXCEEDED, e.kind());
        assertEquals(4000L, e.error().maxDelayMs().getAsLong());
        assertEquals(1, hs.seen("PUT", ".*/send/.*").size(), "not retried");
    }

    @Test
    void restartUsesThePathForm() {
        hs.on("POST", "/_matrix/client/unstable/org.matrix.msc4140/delayed_events/syd_1/restart", Reply.ok("{}"));
        client.updateDelayedEvent("syd_1", DelayedAction.RESTART);
        var post = hs.seen("POST", ".*/delayed_events/.*").get(0);
        assertTrue(post.authenticated());
        assertEquals(1, hs.seen("POST", ".*/delayed_events/.*").size());
    }

    @Test
    void unrecognizedPathFormFallsBackToTheBodyFormWithAuthOnMissingToken() throws Exception {
        // unscripted path form: 404 M_UNRECOGNIZED
        hs.on("POST", "/_matrix/client/unstable/org.matrix.msc4140/delayed_events/syd_1",
                s -> s.authenticated() ? Reply.ok("{}") : Reply.error(401, "M_MISSING_TOKEN", ""));
        client.updateDelayedEvent("syd_1", DelayedAction.CANCEL);
        var seen = hs.seen("POST", ".*/delayed_events/.*");
        assertEquals(3, seen.size(), seen.toString());
        assertEquals("/_matrix/client/unstable/org.matrix.msc4140/delayed_events/syd_1/cancel", seen.get(0).path());
        assertFalse(seen.get(1).authenticated());
        assertTrue(seen.get(2).authenticated());
        assertEquals("cancel", JSON.readTree(seen.get(2).body()).path("action").asText());
    }

    @Test
    void restartOfAFiredDelayedEventIsNotFound() {
        hs.on("POST", ".*/delayed_events/syd_gone/restart", Reply.error(404, "M_NOT_FOUND", ""));
        MatrixException e = assertThrows(MatrixException.class,
                () -> client.updateDelayedEvent("syd_gone", DelayedAction.RESTART));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(1, hs.seen("POST", ".*/delayed_events/.*").size(), "no fallback, no retry");
    }

    @Test
    void delayedEventsAreListed() {
        hs.on("GET", "/_matrix/client/unstable/org.matrix.msc4140/delayed_events", Reply.ok(
                "{\"delayed_events\":[{\"delay_id\":\"syd_1\",\"room_id\":\"!r:hs\",\"type\":\"t\",\"state_key\":\"k\","
                        + "\"delay\":8000,\"running_since\":1700000000000,\"content\":{\"a\":1}}]}"));
        var list = client.delayedEvents();
        assertEquals(1, list.size());
        assertEquals("syd_1", list.get(0).delayId());
        assertEquals(Optional.of("k"), list.get(0).stateKey());
        assertEquals(8000, list.get(0).delayMs());
        assertEquals(1700000000000L, list.get(0).runningSinceMs().getAsLong());
        assertEquals("{\"a\":1}", list.get(0).contentJson());
    }

    @Test
    void absentStateEventIsEmptyAndForbiddenIsAnError() {
        hs.on("GET", ".*/state/m.room.topic/", Reply.error(404, "M_NOT_FOUND", ""));
        hs.on("GET", ".*/state/m.room.name/", Reply.error(403, "M_FORBIDDEN", ""));
        hs.on("GET", ".*/state/m.room.create/", Reply.ok("{\"creator\":\"@a:hs\"}"));
        assertEquals(Optional.empty(), client.stateEvent(ROOM, "m.room.topic", ""));
        assertEquals(Optional.of("{\"creator\":\"@a:hs\"}"), client.stateEvent(ROOM, "m.room.create", ""));
        assertEquals(ErrorKind.FORBIDDEN, assertThrows(MatrixException.class,
                () -> client.stateEvent(ROOM, "m.room.name", "")).kind());
    }

    @Test
    void toDeviceMessagesAreNestedPerUserAndDevice() throws Exception {
        hs.on("PUT", "/_matrix/client/v3/sendToDevice/.*", Reply.ok("{}"));
        client.sendToDevice("m.room.encrypted", Map.of("@a:hs.test", Map.of("DEVA", "{\"ciphertext\":\"x\"}")),
                Optional.of("txn9"));
        var put = hs.seen("PUT", ".*/sendToDevice/.*").get(0);
        assertEquals("/_matrix/client/v3/sendToDevice/m.room.encrypted/txn9", put.path());
        assertEquals("x", JSON.readTree(put.body()).path("messages").path("@a:hs.test").path("DEVA")
                .path("ciphertext").asText());
    }

    @Test
    void relationsMembersRedactionAndOpenId() {
        hs.on("GET", "/_matrix/client/v1/rooms/.*/relations/.*", Reply.ok("{\"chunk\":[{\"event_id\":\"$r\","
                + "\"type\":\"m.reaction\",\"sender\":\"@a:hs\",\"origin_server_ts\":5,\"content\":{}}],"
                + "\"next_batch\":\"nb\"}"));
        hs.on("GET", "/_matrix/client/v3/rooms/.*/members", Reply.ok("{\"chunk\":[{\"event_id\":\"$m\","
                + "\"type\":\"m.room.member\",\"state_key\":\"@a:hs\",\"sender\":\"@a:hs\",\"origin_server_ts\":1,"
                + "\"content\":{\"membership\":\"join\"}}]}"));
        hs.on("PUT", "/_matrix/client/v3/rooms/.*/redact/.*", Reply.ok("{\"event_id\":\"$red\"}"));
        hs.on("POST", "/_matrix/client/v3/user/.*/openid/request_token", Reply.ok("{\"access_token\":\"oid\","
                + "\"token_type\":\"Bearer\",\"matrix_server_name\":\"hs.test\",\"expires_in\":3600}"));
        var rel = client.relations(ROOM, "$e", Optional.of("m.annotation"), Optional.of("m.reaction"),
                Optional.empty());
        assertEquals("/_matrix/client/v1/rooms/" + ROOM + "/relations/$e/m.annotation/m.reaction",
                hs.seen("GET", ".*/relations/.*").get(0).path());
        assertEquals(Optional.of("nb"), rel.nextBatch());
        assertEquals("$r", rel.chunk().get(0).eventId());
        var members = client.members(ROOM);
        assertEquals(Optional.of("@a:hs"), members.get(0).stateKey());
        assertEquals("$red", client.redact(ROOM, "$e", Optional.of("spam"), Optional.empty()));
        var token = client.requestOpenIdToken();
        assertEquals("hs.test", token.matrixServerName());
        assertFalse(token.toString().contains("oid"), "toString hides the token");
        assertEquals("/_matrix/client/v3/user/" + Accounts4Test.USER + "/openid/request_token",
                hs.seen("POST", ".*/openid/.*").get(0).path());
    }

    @Test
    void keysArePassedThrough() throws Exception {
        hs.on("POST", "/_matrix/client/v3/keys/upload", s -> Reply.ok("{\"one_time_key_counts\":{\"signed_curve25519\":"
                + "50}}"));
        hs.on("POST", "/_matrix/client/v3/keys/claim", Reply.error(500, "M_UNKNOWN", ""));
        String answer = client.uploadKeys("{\"one_time_keys\":{}}");
        assertEquals(50, JSON.readTree(answer).path("one_time_key_counts").path("signed_curve25519").asInt());
        assertThrows(MatrixException.class, () -> client.claimKeys("{\"one_time_keys\":{}}"));
        assertEquals(1, hs.seen("POST", "/_matrix/client/v3/keys/claim").size(), "a claim is not repeated");
        assertThrows(IllegalArgumentException.class, () -> client.queryKeys("[1]"));
    }

    @Test
    void networkFailureIsAnErrorValueAfterRetries() {
        hs.goAway();
        MatrixException e = assertThrows(MatrixException.class, () -> client.joinRoom(ROOM));
        assertEquals(ErrorKind.NETWORK, e.kind());
        assertEquals(0, e.error().httpStatus());
        assertInstanceOf(MatrixException.class, e);
    }
}
