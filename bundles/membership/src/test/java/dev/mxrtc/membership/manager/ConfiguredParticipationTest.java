package dev.mxrtc.membership.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.RtcParticipants;

/**
 * The operator's participation ({@code etc/dev.mxrtc.membership.join-*.cfg}): the configuration strings parse into a
 * join request, and the component joins over the real embedded homeserver, retries while the participant service
 * refuses, and leaves cleanly when deactivated (the observer's core judges the room).
 */
@Timeout(60)
class ConfiguredParticipationTest {

    @TempDir
    Path dir;
    Fixture f;
    Participants participants;

    @BeforeEach
    void start() throws Exception {
        f = new Fixture(dir, 86_400_000, 2_000);
        participants = new Participants(u -> Optional.of(f.botClient()), f.botCore.sessions, RecoveryTest.FAST);
        f.botCore.listen(participants::onSessionEvent);
    }

    @AfterEach
    void stop() {
        participants.leaveAll(3_000);
        f.close();
    }

    @Test
    void configurationStringsParseIntoAJoinRequest() {
        ParticipationSpec s = ParticipationSpec.parse("join-lobby.cfg", "!r:hs", "m.call#ROOM",
                "{\"m.call.intent\":\"audio\"}",
                "[{\"type\":\"livekit\",\"livekit_service_url\":\"https://lk.test/jwt\"}]", " LEGACY ", "@bot:hs");
        JoinRequest r = s.request();
        assertEquals("!r:hs", r.roomId());
        assertEquals(SlotId.ROOM_CALL, r.slotId());
        assertEquals("m.call", r.application().type());
        assertEquals(Map.of("m.call.intent", "audio"), r.application().fields());
        assertEquals(List.of(Transport.livekit("https://lk.test/jwt", null)), r.transports());
        assertEquals(MembershipFormat.LEGACY, r.format());
        assertEquals(Optional.of("@bot:hs"), r.userId());

        ParticipationSpec defaults = ParticipationSpec.parse("x", "!r:hs", "org.example#x", "", "", "AUTO", "");
        assertEquals("org.example", defaults.request().application().type());
        assertEquals(List.of(), defaults.request().transports());
        assertEquals(Optional.empty(), defaults.request().userId());

        assertThrows(IllegalArgumentException.class, () -> ParticipationSpec.parse("x", "#alias:hs", "m.call#ROOM", "{}", "[]", "AUTO", ""));
        assertThrows(IllegalArgumentException.class, () -> ParticipationSpec.parse("x", "!r:hs", "nohash", "{}", "[]", "AUTO", ""));
        assertThrows(IllegalArgumentException.class, () -> ParticipationSpec.parse("x", "!r:hs", "m.call#ROOM", "{", "[]", "AUTO", ""));
        assertThrows(IllegalArgumentException.class, () -> ParticipationSpec.parse("x", "!r:hs", "m.call#ROOM", "{}", "[{\"url\":1}]", "AUTO", ""));
        assertThrows(IllegalArgumentException.class, () -> ParticipationSpec.parse("x", "!r:hs", "m.call#ROOM", "{}", "[]", "SOMETIMES", ""));
    }

    @Test
    void joinsRetriesWhileRefusedAndLeavesWhenDeactivated() throws Exception {
        ParticipationSpec spec = ParticipationSpec.parse("join-test.cfg", f.roomId, "m.call#ROOM", "{}",
                "[{\"type\":\"livekit\",\"livekit_service_url\":\"https://lk.test/jwt\"}]", "LEGACY", Fixture.BOT);
        // the participant service refuses twice, as before it has bound the account's MatrixClient
        AtomicInteger refusals = new AtomicInteger();
        RtcParticipants flaky = request -> {
            if (refusals.incrementAndGet() <= 2) {
                throw new IllegalArgumentException("no Matrix account " + Fixture.BOT);
            }
            return participants.join(request);
        };
        ConfiguredParticipation c = new ConfiguredParticipation(spec, flaky, f.botClient(), 100, 5_000);
        List<Member> joined = f.awaitObserved(ms -> Fixture.ofBot(ms).size() == 1, 10_000, "configured member");
        assertEquals(3, refusals.get());
        Participation p = c.participation().orElseThrow();
        assertEquals(p.memberId(), joined.get(0).memberId());

        c.deactivate();
        f.awaitObserved(ms -> Fixture.ofBot(ms).isEmpty(), 3_000, "member gone after deactivation");
        assertTrue(f.legacyState().map(s -> s.replace(" ", "").equals("{}")).orElse(false), "the leave is {}");
    }
}
