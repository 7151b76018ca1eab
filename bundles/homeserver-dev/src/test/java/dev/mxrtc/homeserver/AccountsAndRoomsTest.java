package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.TestServer.Resp;
import dev.mxrtc.homeserver.TestServer.User;
import dev.mxrtc.homeserver.http.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AccountsAndRoomsTest {
    @TempDir
    Path dir;
    TestServer hs;

    @BeforeEach
    void start() throws Exception {
        hs = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        hs.close();
    }

    @Test
    void registerLoginWhoamiLogout() throws Exception {
        Resp versions = hs.get("/_matrix/client/versions", null);
        assertEquals(200, versions.status());
        for (String f : new String[] {"org.matrix.msc4140", "org.matrix.msc4354", "org.matrix.msc4143"}) {
            assertTrue(versions.body().path("unstable_features").path(f).asBoolean(), f);
        }
        Resp first = hs.post("/_matrix/client/v3/register", null, Map.of("username", "alice", "password", "secret"));
        assertEquals(401, first.status());
        assertEquals("m.login.dummy", first.body().path("flows").get(0).path("stages").get(0).asText());
        assertNotNull(first.text("session"));

        User alice = hs.register("alice2");
        assertEquals("@alice2:" + TestServer.SERVER_NAME, alice.userId());
        Resp who = hs.get("/_matrix/client/v3/account/whoami", alice.token());
        assertEquals(alice.userId(), who.text("user_id"));
        assertEquals(alice.deviceId(), who.text("device_id"));

        Resp taken = hs.post("/_matrix/client/v3/register", null, Map.of("username", "alice2", "password", "x",
                "auth", Map.of("type", "m.login.dummy")));
        assertEquals(400, taken.status());
        assertEquals("M_USER_IN_USE", taken.errcode());

        Resp bad = hs.post("/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", "alice2"), "password", "wrong"));
        assertEquals(403, bad.status());
        assertEquals("M_FORBIDDEN", bad.errcode());
        Resp login = hs.post("/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", "alice2"), "password", "pw-alice2"));
        assertEquals(200, login.status());
        assertEquals(alice.userId(), login.text("user_id"));
        String token2 = login.text("access_token");
        assertNotNull(login.text("device_id"));
        assertEquals(200, hs.get("/_matrix/client/v3/account/whoami", token2).status());

        assertEquals(200, hs.post("/_matrix/client/v3/logout", token2, Map.of()).status());
        Resp gone = hs.get("/_matrix/client/v3/account/whoami", token2);
        assertEquals(401, gone.status());
        assertEquals("M_UNKNOWN_TOKEN", gone.errcode());
        Resp missing = hs.get("/_matrix/client/v3/account/whoami", null);
        assertEquals(401, missing.status());
        assertEquals("M_MISSING_TOKEN", missing.errcode());
        // the first session still works
        assertEquals(200, hs.get("/_matrix/client/v3/account/whoami", alice.token()).status());
    }

    @Test
    void twoUsersChatThroughSync() throws Exception {
        User alice = hs.register("alice");
        User bob = hs.register("bob");
        String room = hs.createRoom(alice, Map.of("preset", "private_chat", "name", "Call room", "invite",
                java.util.List.of(bob.userId())));

        JsonNode bobInitial = hs.sync(bob, null, 0).body();
        JsonNode invite = bobInitial.path("rooms").path("invite").path(room);
        assertFalse(invite.isMissingNode(), "bob sees the invite");
        assertTrue(invite.path("invite_state").path("events").toString().contains("Call room"));
        String bobSince = bobInitial.path("next_batch").asText();

        assertEquals(200, hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), bob.token(), Map.of()).status());
        JsonNode joined = hs.syncUntil(bob, bobSince, 5000, s -> s.path("rooms").path("join").has(room));
        JsonNode bobRoom = joined.path("rooms").path("join").path(room);
        String all = bobRoom.path("state").toString() + bobRoom.path("timeline").toString();
        assertTrue(all.contains("m.room.create") && all.contains("m.room.power_levels"), "full state on join");
        bobSince = joined.path("next_batch").asText();

        // bob long-polls; alice's message wakes him well before the timeout
        String since = bobSince;
        long t0 = System.nanoTime();
        var poll = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return hs.sync(bob, since, 10_000);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        Resp sent = hs.send(alice, room, "m.room.message", "txn1", Map.of("msgtype", "m.text", "body", "hello bob"));
        assertEquals(200, sent.status());
        Resp woke = poll.get(10, java.util.concurrent.TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "long poll woke on new data after " + ms + " ms");
        assertTrue(TestServer.timelineHas(woke.body(), room, e -> "hello bob".equals(e.path("content").path("body").asText())));

        // idempotent per token + txn id
        Resp again = hs.send(alice, room, "m.room.message", "txn1", Map.of("msgtype", "m.text", "body", "hello bob"));
        assertEquals(sent.text("event_id"), again.text("event_id"));
        JsonNode aliceSync = hs.sync(alice, null, 0).body();
        long copies = 0;
        for (JsonNode e : aliceSync.path("rooms").path("join").path(room).path("timeline").path("events")) {
            if ("hello bob".equals(e.path("content").path("body").asText())) {
                copies++;
                assertEquals("txn1", e.path("unsigned").path("transaction_id").asText(), "sender sees its txn id");
            }
        }
        assertEquals(1, copies);

        // members and messages
        JsonNode members = hs.get("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/joined_members", bob.token()).body();
        assertTrue(members.path("joined").has(alice.userId()) && members.path("joined").has(bob.userId()));
        JsonNode page = hs.get("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/messages?dir=b&limit=2", bob.token()).body();
        assertEquals(2, page.path("chunk").size());
        assertEquals("hello bob", page.path("chunk").get(0).path("content").path("body").asText(), "newest first");
        JsonNode older = hs.get("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/messages?dir=b&limit=100&from="
                + page.path("end").asText(), bob.token()).body();
        assertTrue(older.path("chunk").toString().contains("m.room.create"));
        assertFalse(older.path("chunk").toString().contains("hello bob"), "pagination continues, no repeats");

        // leave: bob no longer reads the room
        assertEquals(200, hs.post("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/leave", bob.token(), Map.of()).status());
        Resp denied = hs.send(bob, room, "m.room.message", "t2", Map.of("body", "x"));
        assertEquals(403, denied.status());
        assertEquals("M_FORBIDDEN", denied.errcode());
        assertEquals(403, hs.get("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/state", bob.token()).status());
    }

    @Test
    void powerLevelsAndStateKeyOwnership() throws Exception {
        User alice = hs.register("alice");
        User bob = hs.register("bob");
        String room = hs.createRoom(alice, Map.of("preset", "public_chat", "topic", "t"));
        assertEquals(200, hs.post("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/join", bob.token(), Map.of()).status());

        JsonNode pl = hs.getState(alice, room, "m.room.power_levels", "").body();
        assertEquals(100, pl.path("users").path(alice.userId()).asInt());
        assertEquals(50, pl.path("state_default").asInt());
        assertEquals(0, pl.path("events_default").asInt());
        assertEquals(0, pl.path("events").path("org.matrix.msc3401.call.member").asInt());

        // bob (0) may not set a topic (state_default 50); alice may
        Resp denied = hs.putState(bob, room, "m.room.topic", "", Map.of("topic", "bob's"));
        assertEquals(403, denied.status());
        assertEquals("M_FORBIDDEN", denied.errcode());
        assertEquals("t", hs.getState(bob, room, "m.room.topic", "").text("topic"));
        assertEquals(200, hs.putState(alice, room, "m.room.topic", "", Map.of("topic", "new")).status());
        assertEquals("new", hs.getState(bob, room, "m.room.topic", "").text("topic"));

        // call membership at power 0 with an owned key works for bob; a key owned by alice does not
        String bobKey = "_" + bob.userId() + "_BOBDEV_m.call";
        assertEquals(200, hs.putState(bob, room, "org.matrix.msc3401.call.member", bobKey, Map.of("application", "m.call")).status());
        Resp spoof = hs.putState(bob, room, "org.matrix.msc3401.call.member", "_" + alice.userId() + "_ALICEDEV_m.call",
                Map.of("application", "m.call"));
        assertEquals(403, spoof.status());
        assertEquals(404, hs.getState(bob, room, "org.matrix.msc3401.call.member", "_" + alice.userId() + "_ALICEDEV_m.call").status());
        Resp spoofAt = hs.putState(bob, room, "org.matrix.msc3401.call.member", alice.userId(), Map.of("application", "m.call"));
        assertEquals(403, spoofAt.status());

        // bob cannot raise himself; alice can grant him 50
        ObjectNode raised = (ObjectNode) pl.deepCopy();
        ((ObjectNode) raised.path("users")).put(bob.userId(), 100);
        assertEquals(403, hs.putState(bob, room, "m.room.power_levels", "", raised).status());
        ((ObjectNode) raised.path("users")).put(bob.userId(), 50);
        assertEquals(200, hs.putState(alice, room, "m.room.power_levels", "", raised).status());
        assertEquals(200, hs.putState(bob, room, "m.room.topic", "", Map.of("topic", "bob's")).status());

        // redaction: own events yes, others' only with redact power
        String ev = hs.send(alice, room, "m.room.message", "r1", Map.of("body", "secret")).text("event_id");
        Resp r = hs.put("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/redact/" + TestServer.enc(ev) + "/x1",
                bob.token(), Map.of());
        assertEquals(200, r.status(), "bob has 50 = redact level now");
        JsonNode event = hs.get("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/event/" + TestServer.enc(ev), alice.token()).body();
        assertFalse(event.path("content").has("body"), "redacted content is stripped");
    }

    @Test
    void relationsAndFiltersAndWellKnown() throws Exception {
        User alice = hs.register("alice");
        String room = hs.createRoom(alice, Map.of());
        String parent = hs.send(alice, room, "m.room.message", "p", Map.of("body", "parent")).text("event_id");
        ObjectNode reaction = Json.object();
        reaction.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", parent).put("key", "🖐️");
        hs.send(alice, room, "m.reaction", "re", reaction);
        ObjectNode ref = Json.object();
        ref.putObject("m.relates_to").put("rel_type", "m.reference").put("event_id", parent);
        hs.send(alice, room, "io.element.call.reaction", "rf", ref);
        String base = "/_matrix/client/v1/rooms/" + TestServer.enc(room) + "/relations/" + TestServer.enc(parent);
        assertEquals(2, hs.get(base, alice.token()).body().path("chunk").size());
        JsonNode ann = hs.get(base + "/m.annotation", alice.token()).body();
        assertEquals(1, ann.path("chunk").size());
        assertEquals("m.reaction", ann.path("chunk").get(0).path("type").asText());
        assertEquals(0, hs.get(base + "/m.annotation/m.room.message", alice.token()).body().path("chunk").size());

        Resp filter = hs.post("/_matrix/client/v3/user/" + TestServer.enc(alice.userId()) + "/filter", alice.token(),
                Map.of("room", Map.of("timeline", Map.of("limit", 1), "state", Map.of("lazy_load_members", true))));
        String filterId = filter.text("filter_id");
        JsonNode s = hs.get("/_matrix/client/v3/sync?filter=" + filterId, alice.token()).body();
        JsonNode tl = s.path("rooms").path("join").path(room).path("timeline");
        assertEquals(1, tl.path("events").size());
        assertTrue(tl.path("limited").asBoolean());
        JsonNode inline = hs.get("/_matrix/client/v3/sync?filter=" + TestServer.enc("{\"room\":{\"timeline\":{\"limit\":2}}}"),
                alice.token()).body();
        assertEquals(2, inline.path("rooms").path("join").path(room).path("timeline").path("events").size());

        assertEquals(200, hs.get("/.well-known/matrix/client", null).status());
        assertEquals(200, hs.get("/_matrix/client/v3/pushrules/", alice.token()).status());
        assertEquals(200, hs.get("/_matrix/client/v1/rtc/transports", alice.token()).status());
        assertEquals(200, hs.get("/_matrix/client/unstable/org.matrix.msc4143/rtc/transports", alice.token()).status());
        JsonNode caps = hs.get("/_matrix/client/v3/capabilities", alice.token()).body();
        assertEquals(HomeserverConfig.DEFAULT_MAX_DELAY_MS,
                caps.path("capabilities").path("org.matrix.msc4140.delayed_events").path("max_delay_ms").asLong());
    }
}
