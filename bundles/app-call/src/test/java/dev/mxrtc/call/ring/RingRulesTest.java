package dev.mxrtc.call.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.call.NotificationType;
import dev.mxrtc.call.ring.RingRules.NotificationEvent;
import dev.mxrtc.call.ring.RingRules.Verdict;

/**
 * The receiving rules as a table ({@code ring-rules.json}: notification content, event, room facts → ring with its
 * expiry, or the reason it does not ring). Defaults: receiver {@code @bob:hs}, sender {@code @alice:hs}, now
 * 1 000 000, origin_server_ts 1 000 000, sticky and current, slot open, sender may notify the room.
 */
@Timeout(10)
class RingRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<JsonNode> cases() throws Exception {
        try (InputStream in = RingRulesTest.class.getResourceAsStream("/ring-rules.json")) {
            List<JsonNode> all = new ArrayList<>();
            JSON.readTree(in).forEach(all::add);
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("cases")
    void table(JsonNode c) {
        JsonNode e = c.path("event");
        JsonNode f = c.path("facts");
        NotificationEvent event = new NotificationEvent("$notif", e.path("sender").asText("@alice:hs"),
                e.path("ots").asLong(1_000_000), e.path("sticky").asBoolean(true), c.get("content"));
        Verdict v = RingRules.check(event, facts(f));
        String name = c.path("name").asText();
        String expect = c.path("expect").asText();
        if (expect.equals("ring")) {
            Verdict.Rings rings = assertInstanceOf(Verdict.Rings.class, v, name);
            if (c.has("expires")) {
                assertEquals(c.get("expires").asLong(), rings.expiresTs(), name);
            }
        } else {
            assertEquals(expect, assertInstanceOf(Verdict.NoRing.class, v, name).reason(), name);
        }
    }

    @Test
    void parsesTheFlatJsSdkShape() throws Exception {
        JsonNode content = JSON.readTree("{\"slot_id\":\"m.call#ROOM\",\"m.mentions\":{\"user_ids\":[\"@b:hs\"]},"
                + "\"notification_type\":\"notification\",\"m.relates_to\":{\"rel_type\":\"m.reference\","
                + "\"event_id\":\"$m\"},\"sender_ts\":5,\"lifetime\":200000,\"m.call.intent\":\"audio\"}");
        Notification n = assertInstanceOf(Notification.Parsed.Ok.class, Notification.parse(content)).notification();
        assertEquals(Optional.of("m.call#ROOM"), n.slotId());
        assertEquals(120_000, n.lifetimeMs());
        assertEquals(NotificationType.NOTIFICATION, n.type());
        assertEquals(Optional.of("audio"), n.intent());
        assertEquals(Optional.of("$m"), n.membershipEventId());
        assertEquals(List.of("@b:hs"), n.mentions().userIds());
    }

    private static RingFacts facts(JsonNode f) {
        return new RingFacts() {
            @Override
            public String me() {
                return "@bob:hs";
            }

            @Override
            public long now() {
                return f.path("now").asLong(1_000_000);
            }

            @Override
            public Optional<String> legacyMembershipSlot(String id) {
                return Optional.ofNullable(f.path("legacy").path(id).asText(null));
            }

            @Override
            public Optional<String> currentStickyNotification(String sender, String slotId) {
                return f.has("currentSticky") ? Optional.ofNullable(f.get("currentSticky").asText(null))
                        : Optional.of("$notif");
            }

            @Override
            public Optional<Boolean> slotOpen(String slotId) {
                return f.has("slotOpen") ? (f.get("slotOpen").isNull() ? Optional.empty()
                        : Optional.of(f.get("slotOpen").asBoolean())) : Optional.of(true);
            }

            @Override
            public boolean mayNotifyRoom(String sender) {
                return f.path("mayNotifyRoom").asBoolean(true);
            }

            @Override
            public boolean joined(String slotId) {
                return f.path("joined").asBoolean(false);
            }

            @Override
            public OptionalLong ownLeftTs(String slotId) {
                return f.has("ownLeftTs") ? OptionalLong.of(f.get("ownLeftTs").asLong()) : OptionalLong.empty();
            }

            @Override
            public boolean declined(String id) {
                return f.path("declined").asBoolean(false);
            }
        };
    }
}
