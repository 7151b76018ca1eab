package dev.mxrtc.focus.fullmesh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.focus.fullmesh.PeerStats;
import dev.mxrtc.focus.fullmesh.internal.Mesh.Party;
import dev.mxrtc.media.PeerState;

/**
 * The mesh's state logic: who offers, lifecycle driven by session changes, restarts, renegotiation, and what is
 * ignored. Media is {@link FakeMedia} (a test double: the real worker runs in itest-media); signalling is in memory;
 * time is a {@link ManualActor}.
 */
@Timeout(20)
class MeshSessionTest {

    private final Mesh w = new Mesh();
    private final Party alice = w.party("@alice:test", "ADEV", "m-a");
    private final Party bob = w.party("@bob:test", "BDEV", "m-b");
    private final Party carol = w.party("@carol:test", "CDEV", "m-c");

    private void connectAll(Session s, Party... parties) {
        for (Party p : parties) {
            p.connect(s);
        }
        w.actor.drain();
    }

    @Test
    void everyPairConnectsWithOneOfferFromTheLowerMember() {
        connectAll(Mesh.session(alice.member, bob.member, carol.member), alice, bob, carol);

        for (Party p : List.of(alice, bob, carol)) {
            assertEquals(2, p.connectedPeers(), p.member.userId() + " connected to both others");
        }
        List<Mesh.Sent> invites = w.sentOfType(CallWire.INVITE);
        assertEquals(3, invites.size(), "one invite per pair");
        Set<String> pairs = new HashSet<>();
        for (Mesh.Sent s : invites) {
            assertTrue(s.fromUser().compareTo(s.to().userId()) < 0, "the lower member offers: " + s);
            pairs.add(s.fromUser() + "->" + s.to().userId());
        }
        assertEquals(Set.of("@alice:test->@bob:test", "@alice:test->@carol:test", "@bob:test->@carol:test"), pairs);
        assertEquals(3, w.sentOfType(CallWire.ANSWER).size());
        assertTrue(w.sentOfType(CallWire.CANDIDATES).size() >= 6, "trickle ICE both ways");
        assertTrue(alice.stats().stream().allMatch(PeerStats::offerer));
        assertTrue(carol.stats().stream().noneMatch(PeerStats::offerer));
        assertTrue(alice.stats().stream().allMatch(s -> s.firstConnectedMs() >= 0 && s.calls() == 1));
    }

    @Test
    void theOffererRuleComparesUserThenDeviceThenMemberId() {
        Member a1 = w.member("@a:x", "D1", "z");
        assertTrue(PeerLink.offers(a1, w.member("@b:x", "D0", "a")));
        assertTrue(PeerLink.offers(a1, w.member("@a:x", "D2", "a")));
        assertFalse(PeerLink.offers(a1, w.member("@a:x", "D1", "y")));
        assertFalse(PeerLink.offers(w.member("@b:x", "D0", "a"), a1));
    }

    @Test
    void dataFlowsBothWaysAndIsCounted() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        alice.connection.send("m-b", "hello");
        bob.connection.broadcast("hi all");
        w.actor.drain();
        assertTrue(bob.events.contains("m-a>hello"));
        assertTrue(alice.events.contains("m-b>hi all"));
        assertEquals(1, alice.stats().get(0).messagesSent());
        assertEquals(1, alice.stats().get(0).messagesReceived());
    }

    @Test
    void aMemberWhoLeavesIsTornDownAndTheRestStayConnected() {
        Session three = Mesh.session(alice.member, bob.member, carol.member);
        connectAll(three, alice, bob, carol);
        int peersBefore = alice.media.open().size();

        Session two = Mesh.session(alice.member, bob.member);
        alice.connection.sessionChanged(two);
        bob.connection.sessionChanged(two);
        w.actor.drain();

        assertEquals(1, alice.connectedPeers());
        assertEquals(1, bob.connectedPeers());
        assertEquals(peersBefore - 1, alice.media.open().size(), "the media peer to carol is closed");
        assertTrue(alice.events.contains("m-c:closed:left"));
        assertTrue(bob.events.contains("m-c:closed:left"));

        // carol comes back (a rejoin has a fresh member id) and is connected again
        Party carol2 = w.party("@carol:test", "CDEV", "m-c2");
        Session back = Mesh.session(alice.member, bob.member, carol2.member);
        alice.connection.sessionChanged(back);
        bob.connection.sessionChanged(back);
        carol2.connect(back);
        w.actor.drain();
        assertEquals(2, alice.connectedPeers());
        assertEquals(2, carol2.connectedPeers());
    }

    @Test
    void aFailedConnectionIsReplacedByANewCallFromTheOfferer() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        String firstCall = alice.stats().get(0).callId();
        FakeMedia.FakePeer ap = alice.media.open().get(0);

        ap.fail();
        w.actor.drain();
        assertEquals(1, w.sentOfType(CallWire.HANGUP).size(), "the offerer hangs up the failed call");
        w.actor.advance(600); // backoff 500 ms
        PeerStats s = alice.stats().get(0);
        assertEquals(PeerState.CONNECTED, s.state());
        assertNotEquals(firstCall, s.callId());
        assertEquals(1, s.restarts());
        assertEquals(PeerState.CONNECTED, bob.stats().get(0).state());
        assertEquals(1, bob.stats().get(0).restarts());
        assertEquals(1, alice.media.open().size(), "the failed peer was closed");
        assertEquals(1, bob.media.open().size());
    }

    @Test
    void anAnswererWhoseConnectionFailsHangsUpAndTheOffererCallsAgain() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        bob.media.open().get(0).fail();
        w.actor.advance(600);
        assertEquals(PeerState.CONNECTED, alice.stats().get(0).state());
        assertEquals(2, alice.stats().get(0).calls());
    }

    @Test
    void anUnansweredInviteIsRepeatedWithANewCall() {
        w.drop = s -> s.message().type().equals(CallWire.INVITE) && w.sentOfType(CallWire.INVITE).size() == 1;
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        assertEquals(0, alice.connectedPeers());
        w.actor.advance(11_000); // 10 s answer timeout, then 500 ms backoff
        assertEquals(1, alice.connectedPeers());
        assertEquals(2, w.sentOfType(CallWire.INVITE).size());
    }

    @Test
    void aSecondLocalDescriptionIsSentAsNegotiate() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        FakeMedia.FakePeer ap = alice.media.open().get(0);
        FakeMedia.FakePeer bp = bob.media.open().get(0);
        ap.listener.onLocalDescription(new dev.mxrtc.media.SessionDescription(
                dev.mxrtc.media.SessionDescription.Type.OFFER, "v=0 offer:" + ap.id));
        w.actor.drain();
        assertEquals(2, w.sentOfType(CallWire.NEGOTIATE).size(), "offer and answer of the renegotiation");
        assertEquals(2, bp.remoteSdps.size());
        assertEquals(2, ap.remoteSdps.size());
        assertEquals(1, alice.stats().get(0).calls(), "renegotiation keeps the call");
    }

    @Test
    void aMediaProcessRestartRenewsTheCall() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        bob.media.open().get(0).listener.onReconnecting();
        w.actor.advance(600);
        assertEquals(PeerState.CONNECTED, bob.stats().get(0).state());
        assertEquals(2, bob.stats().get(0).calls());
    }

    @Test
    void signalsFromALateMembershipAreHeldUntilItArrives() {
        // bob's core has not seen carol's membership yet when alice... here: carol calls nobody; alice calls carol
        Session full = Mesh.session(alice.member, carol.member);
        alice.connect(full);
        carol.connect(Mesh.session(carol.member)); // carol does not know alice yet
        w.actor.drain();
        assertEquals(0, carol.media.open().size(), "no peer for a sender that is not a member (yet)");
        carol.connection.sessionChanged(full);
        w.actor.drain();
        assertEquals(1, carol.connectedPeers(), "the held invite was replayed once alice became a member");
    }

    @Test
    void messagesFromNonMembersAreDroppedAfterTheHoldAndMakeNoPeer() {
        alice.connect(Mesh.session(alice.member, bob.member));
        w.actor.drain();
        int peers = alice.media.peers.size();
        // mallory is not a member: claims bob's member id from another user, then another device
        SignallingTransport.Message forged = CallWire.encode(new CallSignal.Invite(new CallSignal.Envelope("c1",
                "MDEV", "m.call#ROOM", Mesh.ROOM, "MDEV", "m-b", "m-a", 1), "v=0 offer:x", 30_000));
        alice.backend.onMessage("to_device", new SignallingTransport.Peer(Mesh.ROOM, "@mallory:test", "MDEV", ""),
                forged);
        alice.backend.onMessage("to_device", new SignallingTransport.Peer(Mesh.ROOM, "@bob:test", "OTHER", ""),
                CallWire.encode(new CallSignal.Answer(new CallSignal.Envelope("c1", "OTHER", "m.call#ROOM",
                        Mesh.ROOM, "OTHER", "m-b", "m-a", 1), "v=0 answer:x")));
        w.actor.advance(11_000);
        assertEquals(peers + 1, alice.media.peers.size(), "only the re-invite to the silent bob, no peer for mallory");
        assertTrue(alice.media.peers.values().stream().noneMatch(p -> p.remoteSdps.contains("v=0 answer:x")
                || p.remoteSdps.contains("v=0 offer:x")));
    }

    @Test
    void malformedAndMisaddressedMessagesAreIgnored() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        SignallingTransport.Peer fromAlice = new SignallingTransport.Peer(Mesh.ROOM, "@alice:test", "ADEV", "");
        String callId = bob.stats().get(0).callId();
        int peers = bob.media.peers.size();
        for (String[] m : new String[][] {
            {CallWire.INVITE, "not json"},
            {CallWire.INVITE, "[1,2]"},
            {CallWire.INVITE, "{\"call_id\":\"x\"}"},
            {CallWire.INVITE, env("c9", "m-a", "m-b", "m.call#ROOM") + ",\"offer\":{\"type\":\"answer\",\"sdp\":\"x\"}}"},
            {CallWire.CANDIDATES, env(callId, "m-a", "m-b", "m.call#ROOM") + ",\"candidates\":\"nope\"}"},
            {CallWire.CANDIDATES, env(callId, "m-a", "m-b", "m.call#ROOM") + ",\"candidates\":[{\"sdpMid\":\"0\"}]}"},
            {CallWire.NEGOTIATE, env(callId, "m-a", "m-b", "m.call#ROOM") + ",\"description\":{\"type\":\"pranswer\",\"sdp\":\"x\"}}"},
            // for another session, another member, another room
            {CallWire.INVITE, env("c10", "m-a", "m-b", "m.call#OTHER") + ",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 offer:x\"}}"},
            {CallWire.INVITE, env("c11", "m-a", "m-zz", "m.call#ROOM") + ",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 offer:x\"}}"},
            {CallWire.INVITE, env("c12", "m-a", "m-b", "m.call#ROOM").replace(Mesh.ROOM, "!other:test")
                    + ",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 offer:x\"}}"},
            {"m.room.message", "{}"},
        }) {
            bob.backend.onMessage("to_device", fromAlice, new SignallingTransport.Message(m[0], m[1]));
        }
        w.actor.advance(11_000);
        assertEquals(peers, bob.media.peers.size(), "no new peer");
        assertEquals(PeerState.CONNECTED, bob.stats().get(0).state(), "the call is untouched");

        // an invite from the member alice offers to is ignored (glare rule), and an invite whose SDP is not SDP
        // does not touch the call
        alice.backend.onMessage("to_device", new SignallingTransport.Peer(Mesh.ROOM, "@bob:test", "BDEV", ""),
                new SignallingTransport.Message(CallWire.INVITE, env("g1", "m-b", "m-a", "m.call#ROOM")
                        .replace("ADEV", "BDEV") + ",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0 offer:x\"}}"));
        bob.backend.onMessage("to_device", fromAlice, new SignallingTransport.Message(CallWire.INVITE,
                env("c13", "m-a", "m-b", "m.call#ROOM") + ",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=garbage\"}}"));
        w.actor.advance(1_000);
        assertEquals(PeerState.CONNECTED, bob.stats().get(0).state(), "still connected after the bad offer");
        assertEquals(callId, bob.stats().get(0).callId());
        assertEquals(PeerState.CONNECTED, alice.stats().get(0).state());
        assertEquals(peers, bob.media.peers.size());
        assertEquals(1, alice.media.peers.size(), "no peer for bob's invite: alice is the one who offers");
    }

    @Test
    void closingTheMeshHangsUpOnEveryPeer() {
        connectAll(Mesh.session(alice.member, bob.member, carol.member), alice, bob, carol);
        int hangups = w.sentOfType(CallWire.HANGUP).size();
        alice.connection.close();
        w.actor.drain();
        assertEquals(hangups + 2, w.sentOfType(CallWire.HANGUP).size());
        assertEquals(0, alice.media.open().size());
        assertTrue(alice.backend.mesh("m-a").isEmpty());
    }

    @Test
    void toneIsPublishedOnEveryPeerNowAndLater() {
        connectAll(Mesh.session(alice.member, bob.member), alice, bob);
        alice.connection.publishTone(440);
        w.actor.drain();
        assertEquals(440, alice.media.open().get(0).tone);
        Session three = Mesh.session(alice.member, bob.member, carol.member);
        alice.connection.sessionChanged(three);
        carol.connect(three);
        w.actor.drain();
        assertTrue(alice.media.open().stream().allMatch(p -> p.tone == 440));
    }

    @Test
    void configuredToneAndEchoArePublishedOnEveryNewMeshAndShownInTheStatus() {
        Mesh.Party dave = w.party("@dave:test", "DDEV", "m-d", new FullMeshBackend.DefaultAudio(523, false));
        Mesh.Party erin = w.party("@erin:test", "EDEV", "m-e", new FullMeshBackend.DefaultAudio(0, true));
        connectAll(Mesh.session(alice.member, dave.member, erin.member), alice, dave, erin);
        assertEquals(2, dave.connectedPeers());
        assertTrue(dave.media.open().stream().allMatch(p -> p.tone == 523 && p.audioOf == null));
        // echo: each peer publishes what it receives from that same peer
        assertTrue(erin.media.open().stream().allMatch(p -> p.id.equals(p.audioOf)), "echo on every peer");
        assertTrue(alice.media.open().stream().allMatch(p -> p.tone == 0 && p.audioOf == null), "default: silence");

        java.util.Map<String, Object> status = dave.backend.status(MeshSession::statusNow);
        assertEquals("full_mesh", status.get("transport_type"));
        assertEquals("tone 523.0 Hz", status.get("default_audio"));
        java.util.List<?> conns = (java.util.List<?>) status.get("connections");
        assertEquals(1, conns.size());
        java.util.Map<?, ?> conn = (java.util.Map<?, ?>) conns.get(0);
        assertEquals("m-d", conn.get("member_id"));
        assertEquals("to_device", conn.get("signalling"));
        java.util.List<?> peers = (java.util.List<?>) conn.get("peers");
        assertEquals(2, peers.size());
        assertTrue(peers.stream().allMatch(p -> "connected".equals(((java.util.Map<?, ?>) p).get("state"))), peers
                .toString());
        assertEquals("echo", ((java.util.Map<?, ?>) ((java.util.List<?>) erin.backend.status(MeshSession::statusNow).get("connections"))
                .get(0)).get("published"));
    }

    private static String env(String callId, String sender, String dest, String conf) {
        return "{\"call_id\":\"" + callId + "\",\"party_id\":\"ADEV\",\"version\":\"1\",\"conf_id\":\"" + conf
                + "\",\"room_id\":\"" + Mesh.ROOM + "\",\"device_id\":\"ADEV\",\"sender_session_id\":\"" + sender
                + "\",\"dest_session_id\":\"" + dest + "\",\"seq\":1";
    }
}
