package dev.mxrtc.livekit.auth;

import static dev.mxrtc.livekit.auth.TestWorld.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.livekit.auth.DelayedLeave.Key;
import dev.mxrtc.livekit.auth.DelayedLeave.State;
import dev.mxrtc.livekit.auth.TestWorld.Resp;
import dev.mxrtc.livekit.auth.TestWorld.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other implementations judge: LiveKit's own node server SDK verifies the JWTs (TokenVerifier) and signs the
 * webhooks; matrix-js-sdk 43 fetches a token the way Element Call does.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class NodeInteropTest {
    @TempDir
    static Path dir;
    static TestWorld world;
    static User alice;
    static String room;

    @BeforeAll
    static void start() throws Exception {
        Node.install();
        world = new TestWorld(dir, Duration.ZERO);
        alice = TestWorld.register(world.baseA, "alice");
        room = TestWorld.createRoom(alice);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        LogCheck.assertNoSecrets(TestWorld.SECRET, alice.token());
    }

    static JsonNode verify(String jwt) throws Exception {
        ObjectNode cmd = JSON.createObjectNode().put("cmd", "verify").put("jwt", jwt).put("key", TestWorld.KEY)
                .put("secret", TestWorld.SECRET);
        return Node.script("lk.mjs", cmd).path("claims");
    }

    /** What lk-jwt-service puts in its tokens, claim by claim (see auth/accesstoken.go of its livekit/protocol). */
    static void assertLkJwtServiceClaims(JsonNode claims, String identity, String alias) {
        assertEquals(TestWorld.KEY, claims.path("iss").asText());
        assertEquals(identity, claims.path("sub").asText());
        assertEquals(3600, claims.path("exp").asLong() - claims.path("nbf").asLong(), "valid for one hour");
        assertTrue(Math.abs(claims.path("nbf").asLong() - System.currentTimeMillis() / 1000) < 30);
        JsonNode video = claims.path("video");
        assertEquals(Set.of("roomJoin", "room", "canPublish", "canSubscribe", "canUpdateOwnMetadata"), EndpointsTest.fieldNames(video));
        assertTrue(video.path("roomJoin").asBoolean());
        assertEquals(alias, video.path("room").asText());
        assertTrue(video.path("canPublish").asBoolean());
        assertTrue(video.path("canSubscribe").asBoolean());
        assertTrue(video.path("canUpdateOwnMetadata").asBoolean());
        // Go's token also has iat and identity (= sub); the Java SDK's has an empty sip grant instead
        assertEquals(Set.of("iss", "sub", "nbf", "exp", "video", "sip"), EndpointsTest.fieldNames(claims));
        assertEquals(0, claims.path("sip").size());
    }

    @Test
    void elementCallFlowWithMatrixJsSdkAndLiveKitsVerifier() throws Exception {
        ObjectNode cmd = JSON.createObjectNode().put("baseUrl", world.baseA).put("userId", alice.userId())
                .put("deviceId", alice.deviceId()).put("accessToken", alice.token()).put("serviceUrl", world.service)
                .put("roomId", room).put("memberId", "ec-member-1").put("key", TestWorld.KEY).put("secret", TestWorld.SECRET)
                .put("jsSdkDir", Node.JS_SDK.toString());
        JsonNode r = Node.script("element-call.mjs", cmd);
        assertEquals(200, r.path("status").asInt());
        assertEquals("get_token", r.path("endpoint").asText());
        assertEquals(TestWorld.LIVEKIT_URL, r.path("url").asText());
        assertLkJwtServiceClaims(r.path("claims"), LiveKitNames.identity(alice.userId(), alice.deviceId(), "ec-member-1"),
                LiveKitNames.roomAlias(room, "m.call#ROOM"));
    }

    @Test
    void legacyTokenVerifiesToo() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("room", room).put("device_id", alice.deviceId());
        body.set("openid_token", TestWorld.openId(alice));
        LogCheck.remember(body.path("openid_token").path("access_token").asText());
        Resp r = world.service("POST", "/sfu/get", body.toString());
        assertEquals(200, r.status());
        LogCheck.remember(r.json().path("jwt").asText());
        assertLkJwtServiceClaims(verify(r.json().path("jwt").asText()), alice.userId() + ":" + alice.deviceId(),
                LiveKitNames.roomAlias(room, "m.call#ROOM"));
    }

    @Test
    void webhooksSignedByLiveKitsNodeSdkDriveTheDelegation() throws Exception {
        User bob = TestWorld.register(world.baseA, "bob");
        TestWorld.join(bob, room);
        String delayId = TestWorld.joinCall(bob, room, 20_000);
        ObjectNode req = TestWorld.tokenRequest(TestWorld.openId(bob), room, "bob-member", bob).put("delay_id", delayId)
                .put("delay_timeout", 20_000);
        LogCheck.remember(req.path("openid_token").path("access_token").asText());
        assertEquals(200, world.service("POST", "/get_token", req.toString()).status());
        Key k = new Key(LiveKitNames.roomAlias(room, "m.call#ROOM"), LiveKitNames.identity(bob.userId(), bob.deviceId(), "bob-member"));

        String joined = TestWorld.webhookBody("participant_joined", k.roomAlias(), k.identity(), null);
        assertEquals(200, nodeSignedWebhook(joined).status());
        DelegatedLeaveTest.until("connected by the node-signed webhook", 5000,
                () -> world.auth.delayedLeave().state(k).equals(Optional.of(State.CONNECTED)));
        String left = TestWorld.webhookBody("participant_left", k.roomAlias(), k.identity(), "CONNECTION_TIMEOUT");
        String leftAuth = nodeSign(left);
        long t0 = System.nanoTime();
        assertEquals(200, TestWorld.call("POST", world.service + "/sfu_webhook", null, left, Map.of("Authorization", leftAuth)).status());
        DelegatedLeaveTest.until("bob's delegated leave", 5000, () -> !TestWorld.inCall(bob, room));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000);
    }

    private static Resp nodeSignedWebhook(String body) throws Exception {
        return TestWorld.call("POST", world.service + "/sfu_webhook", null, body, Map.of("Authorization", nodeSign(body)));
    }

    private static String nodeSign(String body) throws Exception {
        ObjectNode cmd = JSON.createObjectNode().put("cmd", "sign-webhook").put("body", body).put("key", TestWorld.KEY)
                .put("secret", TestWorld.SECRET);
        String auth = Node.script("lk.mjs", cmd).path("auth").asText();
        // LiveKit's own receiver accepts what it signed (the Java side must too)
        ObjectNode check = JSON.createObjectNode().put("cmd", "receive-webhook").put("body", body).put("auth", auth)
                .put("key", TestWorld.KEY).put("secret", TestWorld.SECRET);
        assertEquals(JSON.readTree(body).path("participant").path("identity"),
                Node.script("lk.mjs", check).path("event").path("participant").path("identity"));
        return auth;
    }
}
