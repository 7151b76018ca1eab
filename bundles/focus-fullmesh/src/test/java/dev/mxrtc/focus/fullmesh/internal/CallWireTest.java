package dev.mxrtc.focus.fullmesh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.spi.SignallingTransport.Message;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Envelope;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.SessionDescription;

/** The MSC2746 / MSC3401 to-device call event shapes round-trip, and the field names are the specs'. */
class CallWireTest {

    private static final Envelope ENV = new Envelope("call1", "DEV", "m.call#ROOM", "!r:x", "DEV", "mem-a", "mem-b",
            7);
    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=\"quoted\\\"\r\n";

    @Test
    void everyKindRoundTrips() {
        List<CallSignal> all = List.of(new CallSignal.Invite(ENV, SDP, 30_000), new CallSignal.Answer(ENV, SDP),
                new CallSignal.Candidates(ENV, List.of(new IceCandidate("0", 0, "candidate:1 1 udp 1 10.0.0.1 5 typ host"))),
                new CallSignal.Negotiate(ENV, new SessionDescription(SessionDescription.Type.OFFER, SDP)),
                new CallSignal.Hangup(ENV, "ice_failed"));
        for (CallSignal s : all) {
            Message m = CallWire.encode(s);
            CallWire.Parsed p = CallWire.decode(m);
            assertEquals(s, assertInstanceOf(CallWire.Parsed.Ok.class, p).signal(), m.type());
        }
    }

    @Test
    void inviteHasTheMsc3401ToDeviceShape() throws Exception {
        Message m = CallWire.encode(new CallSignal.Invite(ENV, SDP, 30_000));
        assertEquals("m.call.invite", m.type());
        JsonNode c = new ObjectMapper().readTree(m.contentJson());
        assertEquals("call1", c.get("call_id").asText());
        assertEquals("DEV", c.get("party_id").asText());
        assertEquals("1", c.get("version").asText());
        assertEquals("m.call#ROOM", c.get("conf_id").asText());
        assertEquals("DEV", c.get("device_id").asText());
        assertEquals("mem-a", c.get("sender_session_id").asText());
        assertEquals("mem-b", c.get("dest_session_id").asText());
        assertEquals(7, c.get("seq").asLong());
        assertEquals("offer", c.get("offer").get("type").asText());
        assertEquals(SDP, c.get("offer").get("sdp").asText());
        assertEquals(30_000, c.get("lifetime").asLong());
    }

    @Test
    void jsSdkShapedEventsWithoutRoomOrPartyParse() {
        String js = "{\"call_id\":\"c\",\"version\":1,\"conf_id\":\"g\",\"device_id\":\"D\",\"sender_session_id\":\"s\","
                + "\"dest_session_id\":\"d\",\"seq\":0,\"candidates\":[{\"candidate\":\"candidate:x\",\"sdpMid\":\"0\","
                + "\"sdpMLineIndex\":0},{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}]}";
        CallSignal s = ((CallWire.Parsed.Ok) CallWire.decode(new Message("m.call.candidates", js))).signal();
        assertEquals("", s.env().roomId());
        assertEquals("D", s.env().partyId());
        assertEquals(1, ((CallSignal.Candidates) s).candidates().size(), "end-of-candidates dropped");
    }

    @Test
    void badContentIsInvalidWithAReason() {
        for (String bad : List.of("", "nul", "3", "{}", "{\"call_id\":\"c\"}",
                "{\"call_id\":\"c\",\"device_id\":\"D\",\"sender_session_id\":\"s\",\"dest_session_id\":\"d\"}")) {
            CallWire.Parsed p = CallWire.decode(new Message("m.call.invite", bad));
            assertTrue(p instanceof CallWire.Parsed.Invalid, bad);
        }
    }
}
