package dev.mxrtc.focus.fullmesh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Session;
import dev.mxrtc.focus.fullmesh.PeerStats;
import dev.mxrtc.focus.fullmesh.internal.Mesh.Party;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.VideoLevel;
import dev.mxrtc.media.VideoPattern;

/**
 * Video in the mesh: configured video is carried from the first offer (no renegotiation), turning it on and off
 * mid-call renegotiates only where the media API needs it, and what each peer receives shows in stats, listeners and
 * the operator status. Media is {@link FakeMedia} (a test double: the real worker runs in itest-media).
 */
@Timeout(20)
class MeshVideoTest {

    private static final int RED = 0xd02828;
    private static final int GREEN = 0x28c040;
    private static final int BLUE = 0x2850d0;

    private final Mesh w = new Mesh();

    private static void connectAll(Mesh w, Session s, Party... parties) {
        for (Party p : parties) {
            p.connect(s);
        }
        w.actor.drain();
    }

    @Test
    void configuredVideoIsInTheFirstOfferAndEveryMemberSeesEveryOthersColour() {
        Party alice = w.party("@alice:test", "ADEV", "m-a", VideoPattern.solid(RED));
        Party bob = w.party("@bob:test", "BDEV", "m-b", VideoPattern.solid(GREEN));
        Party carol = w.party("@carol:test", "CDEV", "m-c", VideoPattern.solid(BLUE));
        connectAll(w, Mesh.session(alice.member, bob.member, carol.member), alice, bob, carol);
        w.actor.advance(250);
        w.pumpVideo();

        for (Party p : List.of(alice, bob, carol)) {
            assertEquals(2, p.connectedPeers(), p.member.userId());
            assertTrue(p.media.open().stream().allMatch(f -> f.options.video() && f.video != null && f.videoSection),
                    p.member.userId() + ": every peer made with a video section and publishing");
        }
        assertEquals(0, w.sentOfType(CallWire.NEGOTIATE).size(), "video needs no renegotiation");
        assertEquals(3, w.sentOfType(CallWire.INVITE).size());

        Map<String, Integer> colours = Map.of("@alice:test", RED, "@bob:test", GREEN, "@carol:test", BLUE);
        for (Party p : List.of(alice, bob, carol)) {
            for (PeerStats s : p.stats()) {
                VideoLevel v = s.lastVideo().orElseThrow(() -> new AssertionError(p.member.userId() + " no video"));
                assertEquals(colours.get(s.userId()), v.rgb(), p.member.userId() + " sees " + s.userId());
                assertEquals(320, v.width());
                assertEquals(180, v.height());
                assertEquals(15.0, v.fps());
            }
        }
        assertTrue(alice.events.contains("m-b:video:#28c040@15.0"), alice.events.toString());
        assertTrue(carol.events.contains("m-a:video:#d02828@15.0"), carol.events.toString());

        // the operator status: per peer width, height, fps, #rrggbb, age; the mesh's and backend's published video
        w.actor.advance(400);
        Map<String, Object> status = bob.backend.status(MeshSession::statusNow);
        assertEquals("#28c040 320x180@15fps", status.get("default_video"));
        Map<?, ?> conn = (Map<?, ?>) ((List<?>) status.get("connections")).get(0);
        assertEquals("#28c040 320x180@15fps", conn.get("published_video"));
        for (Object o : (List<?>) conn.get("peers")) {
            Map<?, ?> peer = (Map<?, ?>) o;
            Map<?, ?> video = (Map<?, ?>) peer.get("video");
            assertNotNull(video, peer.toString());
            assertEquals(320, video.get("width"));
            assertEquals(180, video.get("height"));
            assertEquals(15.0, video.get("fps"));
            assertEquals(String.format("#%06x", colours.get((String) peer.get("user_id"))), video.get("rgb"));
            assertEquals(400L, video.get("age_ms"), "measured 400 ms ago on the hand-driven clock");
            assertEquals(250L, video.get("first_picture_ms"), "the first picture 250 ms after the member appeared");
        }
    }

    @Test
    void aMeshWithoutVideoShowsNoneAndStatusHasNullVideo() {
        Party alice = w.party("@alice:test", "ADEV", "m-a");
        Party bob = w.party("@bob:test", "BDEV", "m-b");
        connectAll(w, Mesh.session(alice.member, bob.member), alice, bob);
        w.pumpVideo();
        assertTrue(alice.media.open().stream().noneMatch(f -> f.options.video()), "audio-only peers");
        assertTrue(alice.stats().get(0).lastVideo().isEmpty());
        Map<String, Object> status = alice.backend.status(MeshSession::statusNow);
        assertEquals("none", status.get("default_video"));
        Map<?, ?> conn = (Map<?, ?>) ((List<?>) status.get("connections")).get(0);
        assertEquals("none", conn.get("published_video"));
        assertNull(((Map<?, ?>) ((List<?>) conn.get("peers")).get(0)).get("video"));
    }

    @Test
    void videoTurnedOnMidCallRenegotiatesOnTheOffererAndOffWithAZeroFpsReport() {
        Party alice = w.party("@alice:test", "ADEV", "m-a");
        Party bob = w.party("@bob:test", "BDEV", "m-b");
        connectAll(w, Mesh.session(alice.member, bob.member), alice, bob);
        String call = alice.stats().get(0).callId();

        // alice offers to bob: her publishVideo adds a section and renegotiates (an offer and its answer)
        alice.connection.publishVideo(VideoPattern.solid(RED));
        w.actor.drain();
        assertEquals(2, w.sentOfType(CallWire.NEGOTIATE).size(), "one re-offer and its answer");
        FakeMedia.FakePeer bobsPeer = bob.media.open().get(0);
        assertTrue(bobsPeer.videoSection, "bob's end now has the offered section");
        // bob answers: no offer of his own, he sends on the section alice offered
        bob.connection.publishVideo(VideoPattern.solid(BLUE));
        w.actor.drain();
        assertEquals(2, w.sentOfType(CallWire.NEGOTIATE).size(), "the answerer does not renegotiate");
        w.pumpVideo();
        assertEquals(BLUE, alice.stats().get(0).lastVideo().orElseThrow().rgb());
        assertEquals(RED, bob.stats().get(0).lastVideo().orElseThrow().rgb());
        assertEquals(call, alice.stats().get(0).callId(), "the same call throughout");
        assertEquals(1, alice.stats().get(0).calls());

        alice.connection.stopVideo();
        w.actor.drain();
        assertEquals(4, w.sentOfType(CallWire.NEGOTIATE).size(), "stopping makes alice's section receive-only");
        assertEquals(0.0, bob.stats().get(0).lastVideo().orElseThrow().fps(), "bob is told the video stopped");
        w.pumpVideo();
        assertEquals(BLUE, alice.stats().get(0).lastVideo().orElseThrow().rgb(), "bob's video still reaches alice");
        assertEquals(PeerState.CONNECTED, alice.stats().get(0).state());
        assertEquals(PeerState.CONNECTED, bob.stats().get(0).state());
    }

    @Test
    void anAnswererCannotStartVideoOnACallWithoutASectionButItsLaterPeersCarryVideo() {
        Party alice = w.party("@alice:test", "ADEV", "m-a");
        Party bob = w.party("@bob:test", "BDEV", "m-b");
        connectAll(w, Mesh.session(alice.member, bob.member), alice, bob);
        bob.connection.publishVideo(VideoPattern.solid(GREEN)); // the media layer reports an error: logged only
        w.actor.drain();
        w.pumpVideo();
        assertTrue(alice.stats().get(0).lastVideo().isEmpty(), "no section, no video");
        assertEquals(PeerState.CONNECTED, bob.stats().get(0).state(), "the error does not end the call");

        // carol joins: bob offers to her, with a video section from the first offer
        Party carol = w.party("@carol:test", "CDEV", "m-c");
        Session three = Mesh.session(alice.member, bob.member, carol.member);
        alice.connection.sessionChanged(three);
        bob.connection.sessionChanged(three);
        carol.connect(three);
        w.actor.drain();
        FakeMedia.FakePeer toCarol = bob.media.open().stream().filter(f -> f.role == PeerRole.OFFERER).findFirst()
                .orElseThrow();
        assertTrue(toCarol.options.video() && toCarol.reoffers == 0, "made with video, no renegotiation");
        w.pumpVideo();
        assertEquals(GREEN, carol.stats().stream().filter(s -> s.userId().equals("@bob:test")).findFirst()
                .orElseThrow().lastVideo().orElseThrow().rgb());
    }

    @Test
    void publishedVideoSurvivesACallRestart() {
        Party alice = w.party("@alice:test", "ADEV", "m-a", VideoPattern.solid(RED));
        Party bob = w.party("@bob:test", "BDEV", "m-b", VideoPattern.solid(BLUE));
        connectAll(w, Mesh.session(alice.member, bob.member), alice, bob);
        alice.media.open().get(0).fail();
        w.actor.advance(600);
        assertEquals(2, alice.stats().get(0).calls());
        assertTrue(alice.media.open().get(0).options.video() && alice.media.open().get(0).video != null);
        assertTrue(bob.media.open().get(0).video != null, "bob's new peer publishes too");
        w.pumpVideo();
        assertEquals(BLUE, alice.stats().get(0).lastVideo().orElseThrow().rgb());
        assertEquals(RED, bob.stats().get(0).lastVideo().orElseThrow().rgb());
    }

    @Test
    void theConfiguredColourIsReadAsHex() {
        assertEquals(0xd02828, FullMeshComponent.colour("#d02828"));
        assertEquals(0xD02828, FullMeshComponent.colour("D02828"));
        assertEquals(0x00ff00, FullMeshComponent.colour(" 0x00FF00 "));
        assertEquals(0x2850d0, FullMeshComponent.colour("red"), "not a colour: the default");
        assertEquals(0x2850d0, FullMeshComponent.colour("#12345"), "five digits: the default");
        assertEquals(0x2850d0, FullMeshComponent.colour(null));
    }
}
