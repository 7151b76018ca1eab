package dev.mxrtc.livekit.auth;

import static dev.mxrtc.livekit.auth.TestWorld.HS_A;
import static dev.mxrtc.livekit.auth.TestWorld.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.livekit.auth.TestWorld.Resp;
import dev.mxrtc.livekit.auth.TestWorld.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import livekit.LivekitRoom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint and error of lk-jwt-service's API over real HTTP, with real homeservers as OpenID issuers. */
@Timeout(60)
class EndpointsTest {
    @TempDir
    static Path dir;
    static TestWorld world;
    static User alice;
    static User bob;
    static String roomA;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir, Duration.ZERO);
        alice = TestWorld.register(world.baseA, "alice");
        bob = TestWorld.register(world.baseB, "bob");
        roomA = TestWorld.createRoom(alice);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        LogCheck.assertNoSecrets(TestWorld.SECRET);
    }

    static Resp getToken(ObjectNode body) throws Exception {
        LogCheck.remember(body.path("openid_token").path("access_token").asText());
        return world.service("POST", "/get_token", body.toString());
    }

    @Test
    void realOpenIdTokenGivesTheJwtLkJwtServiceIssues() throws Exception {
        JsonNode openId = TestWorld.openId(alice);
        long before = System.currentTimeMillis() / 1000;
        Resp r = getToken(TestWorld.tokenRequest(openId, roomA, "member-1", alice));
        assertEquals(200, r.status(), r.raw().body());
        assertEquals(TestWorld.LIVEKIT_URL, r.json().path("url").asText());
        assertEquals(Set.of("url", "jwt"), fieldNames(r.json()));
        String jwt = r.json().path("jwt").asText();
        LogCheck.remember(jwt);
        DecodedJWT t = JWT.require(Algorithm.HMAC256(TestWorld.SECRET)).withIssuer(TestWorld.KEY).build().verify(jwt);
        String identity = LiveKitNames.identity(alice.userId(), alice.deviceId(), "member-1");
        String alias = LiveKitNames.roomAlias(roomA, "m.call#ROOM");
        assertEquals(identity, t.getSubject());
        assertEquals(3600, t.getExpiresAtAsInstant().getEpochSecond() - t.getNotBeforeAsInstant().getEpochSecond());
        assertTrue(Math.abs(t.getNotBeforeAsInstant().getEpochSecond() - before) <= 2);
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        // lk-jwt-service (Go SDK) also writes iat and a redundant identity (= sub); LiveKit's Java SDK writes neither,
        // and always an empty sip grant (no SIP rights). LiveKit servers take the identity from sub.
        assertEquals(Set.of("iss", "sub", "nbf", "exp", "video", "sip"), fieldNames(claims));
        assertEquals(0, claims.path("sip").size());
        assertEquals(JSON.readTree("{\"roomJoin\":true,\"room\":\"" + alias + "\",\"canPublish\":true,\"canSubscribe\":true,"
                + "\"canUpdateOwnMetadata\":true}"), claims.path("video"));
        // full access (hs-a): the room was created through the room service, with lk-jwt-service's timeouts
        LivekitRoom.CreateRoomRequest created = world.sfu.rooms.get(alias);
        assertEquals(300, created.getEmptyTimeout());
        assertEquals(20, created.getDepartureTimeout());
        assertEquals(0, created.getMaxParticipants());
        assertTrue(world.sfu.authFailures.isEmpty(), world.sfu.authFailures.toString());
        // CORS on the answer
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
    }

    @Test
    void restrictedServerGetsATokenButNoRoom() throws Exception {
        String roomB = TestWorld.createRoom(bob);
        ObjectNode body = TestWorld.tokenRequest(TestWorld.openId(bob), roomB, "m-b", bob);
        Resp r = getToken(body);
        assertEquals(200, r.status(), r.raw().body());
        assertFalse(world.sfu.rooms.containsKey(LiveKitNames.roomAlias(roomB, "m.call#ROOM")));
        // delegation by a restricted server: 400 on /get_token, 403 on /delegate_delayed_leave
        body.put("delay_id", "d1").put("delay_timeout", 10000);
        Resp delegated = getToken(body);
        assertEquals(400, delegated.status());
        assertEquals("M_BAD_JSON", delegated.errcode());
        assertEquals("Delegation of delayed events is only supported for full access users", delegated.json().path("error").asText());
        Resp leave = world.service("POST", "/delegate_delayed_leave", body.toString());
        assertEquals(403, leave.status());
        assertEquals("M_FORBIDDEN", leave.errcode());
    }

    @Test
    void forgedExpiredForeignAndMismatchedTokensAre401() throws Exception {
        ObjectNode forged = TestWorld.tokenRequest(TestWorld.openId(alice), roomA, "m", alice);
        ((ObjectNode) forged.path("openid_token")).put("access_token", "forged-token-value");
        assertUnauthorized(getToken(forged));

        // expired: homeserver A's clock moves past the token's hour
        JsonNode expiring = TestWorld.openId(alice);
        world.clockA.offsetMs.set(Duration.ofMinutes(61).toMillis());
        try {
            assertUnauthorized(getToken(TestWorld.tokenRequest(expiring, roomA, "m", alice)));
        } finally {
            world.clockA.offsetMs.set(0);
        }
        assertEquals(200, getToken(TestWorld.tokenRequest(expiring, roomA, "m", alice)).status(), "valid again");

        // foreign: bob's token from hs-b presented as if hs-a issued it
        ObjectNode foreign = TestWorld.tokenRequest(TestWorld.openId(bob), roomA, "m", alice);
        ((ObjectNode) foreign.path("openid_token")).put("matrix_server_name", HS_A);
        assertUnauthorized(getToken(foreign));

        // mismatch: bob's genuine token, claiming to be alice
        assertUnauthorized(getToken(TestWorld.tokenRequest(TestWorld.openId(bob), roomA, "m", alice)));
        // unknown server name (nothing listens there)
        ObjectNode nowhere = TestWorld.tokenRequest(TestWorld.openId(alice), roomA, "m", alice);
        ((ObjectNode) nowhere.path("openid_token")).put("matrix_server_name", "127.0.0.1:1");
        assertUnauthorized(getToken(nowhere));
    }

    static void assertUnauthorized(Resp r) {
        assertEquals(401, r.status(), r.raw().body());
        assertEquals("M_UNAUTHORIZED", r.errcode());
        assertEquals("The request could not be authorised.", r.json().path("error").asText());
    }

    @Test
    void legacySfuGet() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("room", roomA).put("device_id", alice.deviceId());
        body.set("openid_token", TestWorld.openId(alice));
        LogCheck.remember(body.path("openid_token").path("access_token").asText());
        Resp r = world.service("POST", "/sfu/get", body.toString());
        assertEquals(200, r.status(), r.raw().body());
        DecodedJWT t = JWT.decode(r.json().path("jwt").asText());
        assertEquals(alice.userId() + ":" + alice.deviceId(), t.getSubject());
        assertEquals(LiveKitNames.roomAlias(roomA, "m.call#ROOM"), t.getClaim("video").asMap().get("room"));
        assertEquals(400, world.service("POST", "/sfu/get", "{\"room\":\"!r\"}").status());
    }

    @Test
    void methodsCorsAndMalformedBodies() throws Exception {
        for (String path : new String[] {"/get_token", "/sfu/get", "/delegate_delayed_leave"}) {
            Resp get = world.service("GET", path, null);
            assertEquals(405, get.status(), path);
            assertEquals("", get.raw().body());
            Resp pre = world.service("OPTIONS", path, null);
            assertEquals(200, pre.status());
            assertEquals("*", pre.header("Access-Control-Allow-Origin"));
            assertEquals("POST", pre.header("Access-Control-Allow-Methods"));
            assertEquals("Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token", pre.header("Access-Control-Allow-Headers"));
            Resp notJson = world.service("POST", path, "{not json");
            assertEquals(400, notJson.status());
            assertEquals("M_NOT_JSON", notJson.errcode());
            assertEquals("Error reading request", notJson.json().path("error").asText());
            Resp unknownField = world.service("POST", path, "{\"surprise\":1}");
            assertEquals("M_NOT_JSON", unknownField.errcode());
            Resp missing = world.service("POST", path, "{}");
            assertEquals(400, missing.status());
            assertEquals("M_BAD_JSON", missing.errcode());
        }
        ObjectNode halfDelay = TestWorld.tokenRequest(TestWorld.openId(alice), roomA, "m", alice).put("delay_id", "x");
        Resp half = getToken(halfDelay);
        assertEquals("M_BAD_JSON", half.errcode());
        assertEquals("The request body is missing `delay_id` or `delay_timeout`", half.json().path("error").asText());
    }

    @Test
    void healthzAndUnknownPaths() throws Exception {
        assertEquals(200, world.service("GET", "/healthz", null).status());
        assertEquals(200, world.service("HEAD", "/healthz", null).status());
        assertEquals(405, world.service("POST", "/healthz", "{}").status());
        assertEquals(404, world.service("GET", "/nothing", null).status());
        assertNull(world.service("GET", "/healthz", null).header("Access-Control-Allow-Origin"));
    }

    @Test
    void roomCreationFailureIs500() throws Exception {
        world.sfu.failCreate.set(true);
        try {
            Resp r = getToken(TestWorld.tokenRequest(TestWorld.openId(alice), roomA, "m-fail", alice));
            assertEquals(500, r.status());
            assertEquals("M_UNKNOWN", r.errcode());
            assertEquals("Unable to create room on SFU", r.json().path("error").asText());
        } finally {
            world.sfu.failCreate.set(false);
        }
    }

    @Test
    void forgedWebhooksAreDropped() throws Exception {
        String body = TestWorld.webhookBody("participant_joined", "room", "who", null);
        Resp wrongKey = TestWorld.call("POST", world.service + "/sfu_webhook", null, body,
                Map.of("Authorization", TestWorld.signWebhook(body, "another-secret")));
        assertEquals(200, wrongKey.status(), "answered like lk-jwt-service: 200, nothing done");
        Resp tampered = TestWorld.call("POST", world.service + "/sfu_webhook", null, body.replace("who", "eve"),
                Map.of("Authorization", TestWorld.signWebhook(body, TestWorld.SECRET)));
        assertEquals(200, tampered.status());
        Resp unsigned = TestWorld.call("POST", world.service + "/sfu_webhook", null, body, Map.of());
        assertEquals(200, unsigned.status());
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
