package dev.mxrtc.call.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.SlotId;
import dev.mxrtc.call.CallEvent;
import dev.mxrtc.call.Mentions;
import dev.mxrtc.call.NotificationType;
import dev.mxrtc.call.RaisedHand;
import dev.mxrtc.call.RingOutcome;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.OutgoingEvent;

/**
 * Round trips with matrix-js-sdk 43 (node, {@code interop/call/peer.mjs}) on the embedded homeserver: alice is
 * js-sdk, bob is mxrtc. Each direction is checked with the receiver's own code: js-sdk's
 * {@code parseCallNotificationContent}, relation index and {@code MatrixRTCSession} memberships; mxrtc's call events.
 * One room, one scenario after the other (each starts from an empty slot).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class JsSdkRoundTripTest {

    private static final String SERVER = "test.local";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HomeserverMain hs;
    private String base;
    private JsPeer alice;
    private MxrtcAccount bob;
    private String aliceId;
    private String room;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        hs = new HomeserverMain(HomeserverConfig.defaults(SERVER, dir.resolve("hs")), "127.0.0.1", 0);
        base = "http://127.0.0.1:" + hs.port();
        JsonNode a = register("alice");
        register("bob");
        aliceId = a.path("user_id").asText();
        bob = new MxrtcAccount(base, "@bob:" + SERVER, "pw-bob", dir.resolve("bob"));
        // bob creates the room and opens the call slot; alice joins. js-sdk rings with an @room mention, which only
        // counts from senders with the room notification power (50): alice gets 50.
        room = bob.client.createRoom(CreateRoom.withPreset(CreateRoom.Preset.PRIVATE_CHAT).withInvite(List.of(aliceId))
                .withPowerLevelOverride("{\"users\":{\"@bob:" + SERVER + "\":100,\"" + aliceId + "\":50}}"));
        bob.client.send(OutgoingEvent.state(room, "org.matrix.msc4143.rtc.slot", "m.call#ROOM",
                "{\"status\":\"open\",\"application\":{\"type\":\"m.call\"}}"));
        post("/_matrix/client/v3/join/" + room, a.path("access_token").asText(), "{}");
        alice = new JsPeer();
        alice.call("start", "baseUrl", base, "userId", aliceId, "deviceId", a.path("device_id").asText(),
                "accessToken", a.path("access_token").asText());
    }

    @AfterAll
    void stop() throws Exception {
        try (JsPeer p = alice; MxrtcAccount b = bob) {
            // closed in reverse order
        } finally {
            if (hs != null) {
                hs.close();
            }
        }
    }

    @Test
    void roundTrips() throws Exception {
        mxrtcRingsJsSdkParsesItAndDeclines();
        jsSdkRingsMxrtcRingsAndDeclines();
        reactionsAndHandsBothWays();
        historyRecordedTheCalls();
    }

    void historyRecordedTheCalls() {
        bob.history.flush();
        var calls = bob.history.calls(room, 10);
        // bob alone (ended when he left), then alice's call that bob joined (still running)
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).endTs().isEmpty());
        // alice's second joinRoomSession re-sent her membership: a rejoin is recorded as another join
        assertEquals(List.of(aliceId, "@bob:" + SERVER), calls.get(0).participants().stream()
                .map(dev.mxrtc.call.CallRecord.Participant::userId).distinct().toList());
        assertEquals("ended", calls.get(1).endReason());
        assertEquals(List.of("@bob:" + SERVER), calls.get(1).participants().stream()
                .map(dev.mxrtc.call.CallRecord.Participant::userId).toList());
    }

    void mxrtcRingsJsSdkParsesItAndDeclines() throws Exception {
        String membership = bobJoins();
        RingOutcome.Sent sent = assertInstanceOf(RingOutcome.Sent.class, bob.calls.ring(room, SlotId.ROOM_CALL,
                Mentions.users(aliceId), NotificationType.RING, Duration.ofSeconds(30)));
        assertTrue(sent.sticky(), "the embedded homeserver supports MSC4354");
        assertTrue(sent.legacyNotifyEventId().isPresent());

        JsonNode parsed = alice.call("parse", "roomId", room, "eventId", sent.notificationEventId());
        assertTrue(parsed.path("valid").asBoolean(), parsed.toString());
        assertEquals("m.call#ROOM", parsed.path("parsed").path("slot_id").asText());
        assertEquals("ring", parsed.path("parsed").path("notification_type").asText());
        assertEquals(30_000, parsed.path("parsed").path("lifetime").asLong());
        assertEquals(membership, parsed.path("parsed").path("m.relates_to").path("event_id").asText());
        JsonNode legacy = alice.call("event", "roomId", room, "eventId", sent.legacyNotifyEventId().get());
        assertEquals("org.matrix.msc4075.call.notify", legacy.path("type").asText());
        assertEquals("ring", legacy.path("content").path("notify_type").asText());
        assertEquals("", legacy.path("content").path("call_id").asText());

        String declineId = alice.call("decline", "roomId", room, "eventId", sent.notificationEventId())
                .path("eventId").asText();
        CallEvent.Declined declined = bob.next(CallEvent.Declined.class);
        assertEquals(declineId, declined.decline().eventId());
        assertEquals(aliceId, declined.decline().sender());
        assertTrue(declined.ring().ended(), "a 1:1 ring stops with the callee's decline");
        assertEquals(List.of(), bob.calls.outgoing(room));
        JsonNode again = alice.call("parse", "roomId", room, "eventId", sent.notificationEventId());
        assertFalse(again.path("valid").asBoolean());
        assertTrue(again.path("reason").asText().contains("declined"), again.toString());
        bobLeaves();
    }

    void jsSdkRingsMxrtcRingsAndDeclines() throws Exception {
        bob.events.clear();
        JsonNode joined = alice.call("join", "roomId", room, "ring", true, "intent", "audio");
        String notification = joined.path("notificationEventId").asText();
        CallEvent.RingStarted ring = bob.next(CallEvent.RingStarted.class);
        assertEquals(notification, ring.ring().eventId());
        assertEquals(aliceId, ring.ring().sender());
        assertEquals("m.call#ROOM", ring.ring().slotId());
        assertEquals(Optional.of("audio"), ring.ring().intent());
        assertEquals(NotificationType.RING, ring.ring().type());
        assertEquals(Optional.of(joined.path("membershipEventId").asText()), ring.ring().membershipEventId());
        assertEquals(List.of(ring.ring()), bob.calls.ringing(room));

        String decline = bob.calls.decline(room, notification);
        assertEquals("declined", bob.next(CallEvent.RingEnded.class).reason());
        assertEquals(List.of(), bob.calls.ringing(room));
        JsonNode rel = alice.call("relations", "roomId", room, "eventId", notification, "relType", "m.reference",
                "eventType", "org.matrix.msc4310.rtc.decline");
        assertEquals(decline, rel.path("events").get(0).path("id").asText());
        assertEquals("@bob:" + SERVER, rel.path("events").get(0).path("sender").asText());
        assertEquals(notification, rel.path("events").get(0).path("content").path("msc4354_sticky_key").asText());
    }

    void reactionsAndHandsBothWays() throws Exception {
        // alice is still joined from the previous scenario
        String aliceMembership = alice.call("join", "roomId", room).path("membershipEventId").asText();
        String bobMembership = bobJoins();
        bob.events.clear();

        // js-sdk → mxrtc: a reaction, a hand raised and lowered
        String reaction = alice.call("send", "roomId", room, "type", "io.element.call.reaction", "content",
                Map.of("emoji", "👏", "name", "clapping", "m.relates_to",
                        Map.of("rel_type", "m.reference", "event_id", aliceMembership))).path("eventId").asText();
        CallEvent.Reacted reacted = bob.next(CallEvent.Reacted.class);
        assertEquals(reaction, reacted.reaction().eventId());
        assertEquals("👏", reacted.reaction().emoji());
        assertEquals(aliceMembership, reacted.reaction().membershipEventId());
        // a reaction pointing at someone else's membership is refused
        String forged = alice.call("send", "roomId", room, "type", "io.element.call.reaction", "content",
                Map.of("emoji", "👎", "name", "thumbsdown", "m.relates_to",
                        Map.of("rel_type", "m.reference", "event_id", bobMembership))).path("eventId").asText();
        CallEvent.Rejected rejected = bob.next(CallEvent.Rejected.class);
        assertEquals(forged, rejected.eventId());
        assertEquals("not_current_membership", rejected.reason());

        String hand = alice.call("send", "roomId", room, "type", "m.reaction", "content", Map.of("m.relates_to",
                Map.of("rel_type", "m.annotation", "event_id", aliceMembership, "key", RaisedHand.KEY)))
                .path("eventId").asText();
        assertEquals(hand, bob.next(CallEvent.HandRaised.class).hand().reactionEventId());
        assertEquals(1, bob.calls.raisedHands(room, SlotId.ROOM_CALL).size());

        // a second mxrtc instance reads the raised hand from /relations when it learns of the session
        try (var late = new dev.mxrtc.call.engine.CallComponent(bob.client, bob.core,
                java.time.InstantSource.system(), 1000, true)) {
            late.onSessionEvent(new dev.mxrtc.api.SessionEvent.SessionStarted(
                    bob.core.session(room, SlotId.ROOM_CALL).orElseThrow()));
            assertEquals(List.of(hand), late.raisedHands(room, SlotId.ROOM_CALL).stream()
                    .map(RaisedHand::reactionEventId).toList());
        }

        alice.call("redact", "roomId", room, "eventId", hand);
        CallEvent.HandLowered lowered = bob.next(CallEvent.HandLowered.class);
        assertEquals("redacted", lowered.reason());
        assertEquals(List.of(), bob.calls.raisedHands(room, SlotId.ROOM_CALL));

        // mxrtc → js-sdk
        String bobReaction = bob.calls.react(room, SlotId.ROOM_CALL, "👍", "thumbsup").orElseThrow();
        JsonNode seen = alice.call("event", "roomId", room, "eventId", bobReaction);
        assertEquals("io.element.call.reaction", seen.path("type").asText());
        String target = seen.path("content").path("m.relates_to").path("event_id").asText();
        assertEquals(bobMembership, target);
        assertTrue(alice.call("membership", "roomId", room, "eventId", target, "sender", "@bob:" + SERVER)
                .path("current").asBoolean(), "js-sdk's session has the referenced event as bob's membership");

        String bobHand = bob.calls.raiseHand(room, SlotId.ROOM_CALL).orElseThrow();
        JsonNode ann = alice.call("relations", "roomId", room, "eventId", bobMembership, "relType", "m.annotation",
                "eventType", "m.reaction");
        assertEquals(bobHand, ann.path("events").get(0).path("id").asText());
        assertEquals(RaisedHand.KEY, ann.path("events").get(0).path("content").path("m.relates_to").path("key").asText());
        assertEquals(bobHand, bob.next(CallEvent.HandRaised.class).hand().reactionEventId());
        assertTrue(bob.calls.lowerHand(room, SlotId.ROOM_CALL));
        assertEquals("redacted", bob.next(CallEvent.HandLowered.class).reason());
        assertTrue(alice.call("event", "roomId", room, "eventId", bobHand).path("redacted").asBoolean()
                || waitRedacted(bobHand));
    }

    private boolean waitRedacted(String eventId) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (alice.call("event", "roomId", room, "eventId", eventId).path("redacted").asBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** bob joins as js-sdk 43 does in its default (legacy state) mode; waits until the core has it. */
    private String bobJoins() throws Exception {
        ObjectNode c = JsPeer.JSON.createObjectNode().put("application", "m.call").put("call_id", "")
                .put("scope", "m.room").put("device_id", bob.client.deviceId())
                .put("membershipID", bob.client.userId() + ":" + bob.client.deviceId()).put("expires", 14_400_000)
                .put("m.call.intent", "video");
        c.putObject("focus_active").put("type", "livekit").put("focus_selection", "oldest_membership");
        c.putArray("foci_preferred").addObject().put("type", "livekit")
                .put("livekit_service_url", "http://127.0.0.1:9/livekit/jwt");
        bob.client.send(OutgoingEvent.state(room, "org.matrix.msc3401.call.member", stateKey(), c.toString()));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            var mine = bob.core.session(room, SlotId.ROOM_CALL).stream().flatMap(s -> s.members().stream())
                    .filter(m -> m.userId().equals(bob.client.userId())).findFirst();
            if (mine.isPresent()) {
                return mine.get().eventId();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the core never saw bob's membership");
    }

    private void bobLeaves() {
        bob.client.send(OutgoingEvent.state(room, "org.matrix.msc3401.call.member", stateKey(), "{}"));
    }

    private String stateKey() {
        return "_" + bob.client.userId() + "_" + bob.client.deviceId() + "_m.call";
    }

    private JsonNode register(String localpart) throws Exception {
        String body = "{\"username\":\"" + localpart + "\",\"password\":\"pw-" + localpart + "\"}";
        JsonNode first = post("/_matrix/client/v3/register", null, body);
        ObjectNode b = (ObjectNode) JsPeer.JSON.readTree(body);
        b.putObject("auth").put("type", "m.login.dummy").put("session", first.path("session").asText());
        return post("/_matrix/client/v3/register", null, b.toString());
    }

    private JsonNode post(String path, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path.replace("!", "%21").replace(":", "%3A"))).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return JsPeer.JSON.readTree(HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
