package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.TestServer.Resp;
import dev.mxrtc.homeserver.TestServer.User;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class KeysAndToDeviceTest {
    @TempDir
    Path dir;
    TestServer hs;
    User alice;
    User bob;

    @BeforeEach
    void start() throws Exception {
        hs = TestServer.start(dir);
        alice = hs.register("alice");
        bob = hs.register("bob");
    }

    @AfterEach
    void stop() {
        hs.close();
    }

    static List<String> toDeviceBodies(JsonNode sync) {
        List<String> out = new java.util.ArrayList<>();
        sync.path("to_device").path("events").forEach(e -> out.add(e.path("content").path("n").asText()));
        return out;
    }

    @Test
    void toDeviceIsKeptUntilAcknowledgedAndDeliveredOnce() throws Exception {
        String initial = hs.sync(bob, null, 0).text("next_batch");
        Map<String, Object> msg1 = Map.of("messages", Map.of(bob.userId(), Map.of(bob.deviceId(), Map.of("n", "1"))));
        assertEquals(200, hs.put("/_matrix/client/v3/sendToDevice/io.element.call.encryption_keys/t1", alice.token(), msg1).status());
        assertEquals(200, hs.put("/_matrix/client/v3/sendToDevice/io.element.call.encryption_keys/t1", alice.token(), msg1).status());
        Map<String, Object> msg2 = Map.of("messages", Map.of(bob.userId(), Map.of("*", Map.of("n", "2"))));
        assertEquals(200, hs.put("/_matrix/client/v3/sendToDevice/m.room.encrypted/t2", alice.token(), msg2).status());

        JsonNode first = hs.sync(bob, initial, 0).body();
        assertEquals(List.of("1", "2"), toDeviceBodies(first), "txn id repeat delivered once; * reaches the device");
        assertEquals(alice.userId(), first.path("to_device").path("events").get(0).path("sender").asText());
        // the response got lost: the same since token gets the same messages again
        assertEquals(List.of("1", "2"), toDeviceBodies(hs.sync(bob, initial, 0).body()));
        // acknowledging with next_batch removes them for good
        String next = first.path("next_batch").asText();
        JsonNode after = hs.sync(bob, next, 0).body();
        assertTrue(toDeviceBodies(after).isEmpty());
        assertTrue(toDeviceBodies(hs.sync(bob, initial, 0).body()).isEmpty(), "acknowledged messages are gone");
        assertTrue(toDeviceBodies(hs.sync(alice, null, 0).body()).isEmpty(), "not delivered to the sender");
    }

    @Test
    void oneTimeKeysAreClaimedOnceThenFallback() throws Exception {
        Map<String, Object> deviceKeys = Map.of("user_id", bob.userId(), "device_id", bob.deviceId(),
                "algorithms", List.of("m.olm.v1.curve25519-aes-sha2"),
                "keys", Map.of("curve25519:" + bob.deviceId(), "curvekey", "ed25519:" + bob.deviceId(), "edkey"),
                "signatures", Map.of());
        Resp up = hs.post("/_matrix/client/v3/keys/upload", bob.token(), Map.of("device_keys", deviceKeys,
                "one_time_keys", Map.of("signed_curve25519:AAA", Map.of("key", "otk1"), "signed_curve25519:AAB", Map.of("key", "otk2")),
                "fallback_keys", Map.of("signed_curve25519:FB1", Map.of("key", "fb", "fallback", true))));
        assertEquals(200, up.status());
        assertEquals(2, up.body().path("one_time_key_counts").path("signed_curve25519").asInt());

        JsonNode q = hs.post("/_matrix/client/v3/keys/query", alice.token(),
                Map.of("device_keys", Map.of(bob.userId(), List.of()))).body();
        assertEquals("curvekey", q.path("device_keys").path(bob.userId()).path(bob.deviceId()).path("keys")
                .path("curve25519:" + bob.deviceId()).asText());

        Map<String, Object> claim = Map.of("one_time_keys", Map.of(bob.userId(), Map.of(bob.deviceId(), "signed_curve25519")));
        String k1 = hs.post("/_matrix/client/v3/keys/claim", alice.token(), claim).body().path("one_time_keys")
                .path(bob.userId()).path(bob.deviceId()).toString();
        String k2 = hs.post("/_matrix/client/v3/keys/claim", alice.token(), claim).body().path("one_time_keys")
                .path(bob.userId()).path(bob.deviceId()).toString();
        String k3 = hs.post("/_matrix/client/v3/keys/claim", alice.token(), claim).body().path("one_time_keys")
                .path(bob.userId()).path(bob.deviceId()).toString();
        String k4 = hs.post("/_matrix/client/v3/keys/claim", alice.token(), claim).body().path("one_time_keys")
                .path(bob.userId()).path(bob.deviceId()).toString();
        assertTrue(k1.contains("otk1") && k2.contains("otk2"), k1 + " " + k2);
        assertTrue(k3.contains("fb") && k4.contains("fb"), "fallback key is reused: " + k3);
        JsonNode bobSync = hs.sync(bob, null, 0).body();
        assertEquals(0, bobSync.path("device_one_time_keys_count").path("signed_curve25519").asInt());
        assertFalse(bobSync.path("device_unused_fallback_key_types").toString().contains("signed_curve25519"), "fallback used");
    }

    @Test
    void deviceListChangesReachRoomMates() throws Exception {
        String room = hs.createRoom(alice, Map.of("preset", "public_chat"));
        hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), bob.token(), Map.of());
        String since = hs.sync(alice, null, 0).text("next_batch");
        hs.post("/_matrix/client/v3/keys/upload", bob.token(), Map.of("device_keys", Map.of("user_id", bob.userId(),
                "device_id", bob.deviceId(), "keys", Map.of("ed25519:" + bob.deviceId(), "k"))));
        JsonNode s = hs.sync(alice, since, 2000).body();
        assertTrue(s.path("device_lists").path("changed").toString().contains(bob.userId()));
        JsonNode changes = hs.get("/_matrix/client/v3/keys/changes?from=" + since, alice.token()).body();
        assertTrue(changes.path("changed").toString().contains(bob.userId()));
    }

    @Test
    void openIdTokenResolvesThroughFederationUserinfo() throws Exception {
        Resp token = hs.post("/_matrix/client/v3/user/" + TestServer.enc(alice.userId()) + "/openid/request_token",
                alice.token(), Map.of());
        assertEquals(200, token.status());
        assertEquals("Bearer", token.text("token_type"));
        assertEquals(TestServer.SERVER_NAME, token.text("matrix_server_name"));
        assertTrue(token.body().path("expires_in").asLong() > 0);
        Resp info = hs.get("/_matrix/federation/v1/openid/userinfo?access_token=" + TestServer.enc(token.text("access_token")), null);
        assertEquals(200, info.status());
        assertEquals(alice.userId(), info.text("sub"));
        Resp bad = hs.get("/_matrix/federation/v1/openid/userinfo?access_token=nope", null);
        assertEquals(401, bad.status());
        assertEquals("M_UNKNOWN_TOKEN", bad.errcode());
        assertEquals(401, hs.get("/_matrix/federation/v1/openid/userinfo?access_token=" + alice.token(), null).status(),
                "an access token is not an OpenID token");
        assertEquals(403, hs.post("/_matrix/client/v3/user/" + TestServer.enc(bob.userId()) + "/openid/request_token",
                alice.token(), Map.of()).status());
    }
}
