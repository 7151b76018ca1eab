package dev.mxrtc.livekit.auth;

import static dev.mxrtc.livekit.auth.TestWorld.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.livekit.auth.DelayedLeave.Key;
import dev.mxrtc.livekit.auth.TestWorld.Resp;
import dev.mxrtc.livekit.auth.TestWorld.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MSC4195's homeserver-native endpoints on homeserver A's origin: the caller's access token and room membership are
 * checked through the real homeserver; matrix-js-sdk 43's own {@code _unstable_getLivekitToken} gets a JWT that
 * LiveKit's node TokenVerifier accepts.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NativeEndpointsTest {
    static final String PATH = "/_matrix/client/unstable/io.element.msc4195/rtc/livekit";
    @TempDir
    static Path dir;
    static TestWorld world;
    static User alice;
    static User outsider;
    static String room;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir, Duration.ZERO);
        alice = TestWorld.register(world.baseA, "alice");
        outsider = TestWorld.register(world.baseA, "outsider");
        room = TestWorld.createRoom(alice);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        LogCheck.assertNoSecrets(TestWorld.SECRET, alice.token(), outsider.token());
    }

    static ObjectNode body(String memberId) {
        ObjectNode b = JSON.createObjectNode().put("url", TestWorld.LIVEKIT_URL).put("room_id", room).put("slot_id", "m.call#ROOM");
        b.putObject("member").put("id", memberId).put("claimed_device_id", alice.deviceId());
        return b;
    }

    static Resp post(String endpoint, User u, ObjectNode body) throws Exception {
        return TestWorld.call("POST", world.baseA + PATH + endpoint, u == null ? null : u.token(), body.toString(), Map.of());
    }

    @Test
    void joinedMemberGetsAToken() throws Exception {
        Resp r = post("/get_token", alice, body("native-1"));
        assertEquals(200, r.status(), r.raw().body());
        String jwt = r.json().path("jwt").asText();
        LogCheck.remember(jwt);
        JsonNode claims = NodeInteropTest.verify(jwt);
        NodeInteropTest.assertLkJwtServiceClaims(claims, LiveKitNames.identity(alice.userId(), alice.deviceId(), "native-1"),
                LiveKitNames.roomAlias(room, "m.call#ROOM"));
        assertTrue(world.sfu.rooms.containsKey(LiveKitNames.roomAlias(room, "m.call#ROOM")));
    }

    @Test
    void refusals() throws Exception {
        Resp notJoined = post("/get_token", outsider, body("x"));
        assertEquals(403, notJoined.status());
        assertEquals("M_FORBIDDEN", notJoined.errcode());
        assertEquals(401, post("/get_token", null, body("x")).status());
        Resp badToken = TestWorld.call("POST", world.baseA + PATH + "/get_token", "not-a-token", body("x").toString(), Map.of());
        assertEquals(401, badToken.status());
        assertEquals("M_UNKNOWN_TOKEN", badToken.errcode());
        Resp otherSfu = post("/get_token", alice, body("x").put("url", "wss://elsewhere.example/"));
        assertEquals(400, otherSfu.status());
        assertEquals("M_INVALID_PARAM", otherSfu.errcode());
        Resp remote = post("/get_token", alice, body("x").put("server_name", "remote.example"));
        assertEquals("M_INVALID_PARAM", remote.errcode());
        assertEquals(405, TestWorld.call("GET", world.baseA + PATH + "/get_token", alice.token(), null, Map.of()).status());
    }

    @Test
    void delegationNeedsAnHourAndAPendingDelayedEvent() throws Exception {
        String shortDelay = TestWorld.joinCall(alice, room, 60_000);
        Resp tooShort = post("/delegate_delayed_leave", alice, body("d-1").put("delay_id", shortDelay));
        assertEquals(400, tooShort.status());
        assertEquals("M_BAD_JSON", tooShort.errcode());
        assertEquals(404, post("/delegate_delayed_leave", alice, body("d-1").put("delay_id", "nope")).status());
        String hour = TestWorld.joinCall(alice, room, 3_600_000);
        Resp ok = post("/delegate_delayed_leave", alice, body("d-1").put("delay_id", hour));
        assertEquals(200, ok.status(), ok.raw().body());
        Key k = new Key(LiveKitNames.roomAlias(room, "m.call#ROOM"), LiveKitNames.identity(alice.userId(), alice.deviceId(), "d-1"));
        assertTrue(world.auth.delayedLeave().state(k).isPresent(), "delegation taken over");
    }

    @Test
    void matrixJsSdkGetsItsTokenFromTheHomeserver() throws Exception {
        Node.install();
        ObjectNode cmd = JSON.createObjectNode().put("mode", "native").put("baseUrl", world.baseA).put("userId", alice.userId())
                .put("deviceId", alice.deviceId()).put("accessToken", alice.token()).put("roomId", room)
                .put("memberId", "js-native").put("livekitUrl", TestWorld.LIVEKIT_URL).put("key", TestWorld.KEY)
                .put("secret", TestWorld.SECRET).put("jsSdkDir", Node.JS_SDK.toString());
        JsonNode r = Node.script("element-call.mjs", cmd);
        NodeInteropTest.assertLkJwtServiceClaims(r.path("claims"),
                LiveKitNames.identity(alice.userId(), alice.deviceId(), "js-native"), LiveKitNames.roomAlias(room, "m.call#ROOM"));
    }
}
