package dev.mxrtc.homeserver;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The bad-input matrix (each case: status, errcode, and the room state unchanged) and persistence across restart. */
@Timeout(60)
class BadInputAndRestartTest {
    @TempDir
    Path dir;
    TestServer hs;
    User alice;
    String room;

    @BeforeEach
    void start() throws Exception {
        hs = TestServer.start(dir);
        alice = hs.register("alice");
        room = hs.createRoom(alice, Map.of("name", "before"));
    }

    @AfterEach
    void stop() {
        hs.close();
    }

    record Case(String method, String path, String token, Object body, int status, String errcode) {}

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        String r = "/_matrix/client/v3/rooms/" + TestServer.enc(room);
        String name = r + "/state/m.room.name/";
        String big = "{\"name\":\"" + "x".repeat(70_000) + "\"}";
        List<Case> cases = List.of(
                new Case("PUT", name, alice.token(), "{not json", 400, "M_NOT_JSON"),
                new Case("PUT", name, alice.token(), "[1,2]", 400, "M_BAD_JSON"),
                new Case("PUT", name, alice.token(), "", 400, "M_NOT_JSON"),
                new Case("PUT", name, alice.token(), big, 413, "M_TOO_LARGE"),
                new Case("PUT", name, null, "{\"name\":\"anon\"}", 401, "M_MISSING_TOKEN"),
                new Case("PUT", name, "bogus", "{\"name\":\"bogus\"}", 401, "M_UNKNOWN_TOKEN"),
                new Case("PUT", r + "/state/m.room.member/" + TestServer.enc("@mallory:test.local"), alice.token(),
                        "{\"membership\":\"join\"}", 403, "M_FORBIDDEN"),
                new Case("PUT", r + "/state/m.room.create/", alice.token(), "{}", 403, "M_FORBIDDEN"),
                new Case("PUT", r + "/send/m.room.message/t?org.matrix.msc4140.delay=soon", alice.token(), "{}", 400, "M_INVALID_PARAM"),
                new Case("GET", "/_matrix/client/v3/no/such/endpoint", alice.token(), null, 404, "M_UNRECOGNIZED"),
                new Case("DELETE", "/_matrix/client/v3/account/whoami", alice.token(), null, 405, "M_UNRECOGNIZED"),
                new Case("POST", "/_matrix/client/v3/createRoom", alice.token(), "{\"preset\":\"nonsense\"}", 400, "M_BAD_JSON"),
                new Case("POST", "/_matrix/client/v3/createRoom", alice.token(), "{\"room_version\":\"99\"}", 400, "M_UNSUPPORTED_ROOM_VERSION"),
                new Case("POST", "/_matrix/client/v3/login", null, "{\"type\":\"m.login.password\"}", 400, "M_MISSING_PARAM"),
                new Case("POST", "/_matrix/client/v3/keys/claim", alice.token(), "{\"one_time_keys\":3}", 400, "M_BAD_JSON"),
                new Case("GET", "/_matrix/client/v3/sync?since=garbage", alice.token(), null, 400, "M_INVALID_PARAM"));
        long roomsBefore = joinedRooms();
        for (Case c : cases) {
            Resp resp;
            try {
                resp = hs.call(c.method(), c.path(), c.token(), c.body() == null ? null : c.body());
            } catch (IOException e) {
                throw new AssertionError(c.method() + " " + c.path() + ": no answer", e);
            }
            assertEquals(c.status(), resp.status(), c.method() + " " + c.path() + " -> " + resp);
            assertEquals(c.errcode(), resp.errcode(), c.method() + " " + c.path());
            assertTrue(resp.body().path("error").isTextual(), "error text present");
        }
        assertEquals("before", hs.getState(alice, room, "m.room.name", "").text("name"));
        JsonNode state = hs.get(r + "/state", alice.token()).body();
        assertEquals(1, countType(state, "m.room.member"), "no spoofed member stored");
        assertEquals(roomsBefore, joinedRooms(), "no room created by refused requests");
    }

    private long joinedRooms() throws Exception {
        return hs.get("/_matrix/client/v3/joined_rooms", alice.token()).body().path("joined_rooms").size();
    }

    private static long countType(JsonNode events, String type) {
        long n = 0;
        for (JsonNode e : events) if (type.equals(e.path("type").asText())) n++;
        return n;
    }

    @Test
    void everythingSurvivesARestart() throws Exception {
        User bob = hs.register("bob");
        hs.post("/_matrix/client/v3/rooms/" + TestServer.enc(room) + "/invite", alice.token(), Map.of("user_id", bob.userId()));
        hs.post("/_matrix/client/v3/join/" + TestServer.enc(room), bob.token(), Map.of());
        String bobSince = hs.sync(bob, null, 0).text("next_batch");
        String ev = hs.send(alice, room, "m.room.message", "keep", Map.of("body", "persisted")).text("event_id");
        hs.put("/_matrix/client/v3/sendToDevice/m.test/td1", alice.token(),
                Map.of("messages", Map.of(bob.userId(), Map.of(bob.deviceId(), Map.of("n", "queued")))));
        hs.close();
        hs = TestServer.start(dir);

        assertEquals(200, hs.get("/_matrix/client/v3/account/whoami", alice.token()).status(), "tokens survive");
        assertEquals("before", hs.getState(bob, room, "m.room.name", "").text("name"), "rooms and state survive");
        JsonNode s = hs.sync(bob, bobSince, 0).body();
        assertTrue(TestServer.timelineHas(s, room, e -> ev.equals(e.path("event_id").asText())), "events after since");
        assertEquals("queued", s.path("to_device").path("events").get(0).path("content").path("n").asText());
        assertEquals(ev, hs.send(alice, room, "m.room.message", "keep", Map.of("body", "persisted")).text("event_id"),
                "txn ids survive");
        String ev2 = hs.send(alice, room, "m.room.message", "new", Map.of("body", "after restart")).text("event_id");
        JsonNode s2 = hs.sync(bob, s.path("next_batch").asText(), 0).body();
        assertTrue(TestServer.timelineHas(s2, room, e -> ev2.equals(e.path("event_id").asText())), "stream continues");
        assertEquals(0, s2.path("to_device").path("events").size());
    }
}
