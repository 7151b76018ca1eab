package dev.mxrtc.focus.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusSelection;

class FocusSelectionTest {

    private static final Transport SFU_A = Transport.livekit("https://a.example/livekit/jwt", null);
    private static final Transport SFU_B = Transport.livekit("https://b.example/livekit/jwt", null);
    private static final Transport SFU_C = Transport.livekit("https://c.example/livekit/jwt", null);

    private static Member member(String user, long created, String selection, Transport... transports) {
        return new Member("!r:example.org", SlotId.ROOM_CALL, user, "DEV", user + ":DEV", Application.of("m.call"),
                List.of(transports), List.of(), Optional.of(new FocusActive("livekit", selection)), created,
                created + 14_400_000L, MemberFormat.LEGACY, "_" + user + "_DEV_m.call", "$" + created);
    }

    @Test
    void oldestMembershipConvergesOnTheOldestMembersFirstTransport() {
        Member alice = member("@alice:example.org", 1000, FocusActive.OLDEST_MEMBERSHIP, SFU_A, SFU_C);
        Member bob = member("@bob:example.org", 2000, FocusActive.OLDEST_MEMBERSHIP, SFU_B);
        List<Member> members = List.of(alice, bob);
        OldestMembership selection = new OldestMembership();

        assertEquals(Optional.of(SFU_A), selection.select(alice, members));
        assertEquals(Optional.of(SFU_A), selection.select(bob, members), "every member picks the oldest's focus");
    }

    @Test
    void oldestMembershipWithoutTransportsSelectsNothing() {
        Member alice = member("@alice:example.org", 1000, FocusActive.OLDEST_MEMBERSHIP);
        Member bob = member("@bob:example.org", 2000, FocusActive.OLDEST_MEMBERSHIP, SFU_B);

        assertEquals(Optional.empty(), new OldestMembership().select(bob, List.of(alice, bob)));
    }

    @Test
    void multiSfuPublishesOnTheMembersOwnFirstTransport() {
        Member alice = member("@alice:example.org", 1000, FocusActive.MULTI_SFU, SFU_A);
        Member bob = member("@bob:example.org", 2000, FocusActive.MULTI_SFU, SFU_B, SFU_A);
        MultiSfu selection = new MultiSfu();

        assertEquals(Optional.of(SFU_A), selection.select(alice, List.of(alice, bob)));
        assertEquals(Optional.of(SFU_B), selection.select(bob, List.of(alice, bob)));
    }

    @Test
    void serviceLoaderFindsBothAlgorithmsForNonOsgiCallers() {
        Set<String> names = ServiceLoader.load(FocusSelection.class).stream()
                .map(p -> p.get().name()).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of(FocusActive.OLDEST_MEMBERSHIP, FocusActive.MULTI_SFU)), names.toString());
    }
}
