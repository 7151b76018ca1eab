package dev.mxrtc.focus.fullmesh.internal;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.spi.SignallingTransport.Message;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Answer;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Candidates;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Envelope;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Hangup;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Invite;
import dev.mxrtc.focus.fullmesh.internal.CallSignal.Negotiate;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.SessionDescription;

/**
 * The MSC2746 / MSC3401 to-device call event shapes, in one place:
 *
 * <pre>
 * m.call.invite     {call_id, party_id, version:"1", lifetime, offer:{type:"offer", sdp}, + addressing}
 * m.call.answer     {call_id, party_id, version:"1", answer:{type:"answer", sdp}, + addressing}
 * m.call.candidates {call_id, party_id, version:"1", candidates:[{candidate, sdpMid, sdpMLineIndex}], + addressing}
 * m.call.negotiate  {call_id, party_id, version:"1", lifetime, description:{type, sdp}, + addressing}
 * m.call.hangup     {call_id, party_id, version:"1", reason, + addressing}
 * addressing (MSC3401 to-device): conf_id, device_id, sender_session_id, dest_session_id, seq; mxrtc adds room_id
 * </pre>
 */
final class CallWire {

    static final String INVITE = "m.call.invite";
    static final String ANSWER = "m.call.answer";
    static final String CANDIDATES = "m.call.candidates";
    static final String NEGOTIATE = "m.call.negotiate";
    static final String HANGUP = "m.call.hangup";

    /** Every type a full mesh sends or takes. */
    static final List<String> TYPES = List.of(INVITE, ANSWER, CANDIDATES, NEGOTIATE, HANGUP);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of parsing one message. */
    sealed interface Parsed {
        record Ok(CallSignal signal) implements Parsed {
        }

        record Invalid(String reason) implements Parsed {
        }
    }

    private CallWire() {
    }

    static Message encode(CallSignal signal) {
        ObjectNode c = JSON.createObjectNode();
        Envelope e = signal.env();
        c.put("call_id", e.callId());
        c.put("party_id", e.partyId());
        c.put("version", "1");
        c.put("conf_id", e.confId());
        if (!e.roomId().isEmpty()) {
            c.put("room_id", e.roomId());
        }
        c.put("device_id", e.deviceId());
        c.put("sender_session_id", e.senderSessionId());
        c.put("dest_session_id", e.destSessionId());
        c.put("seq", e.seq());
        String type = switch (signal) {
            case Invite i -> {
                c.put("lifetime", i.lifetimeMs());
                description(c.putObject("offer"), "offer", i.sdp());
                yield INVITE;
            }
            case Answer a -> {
                description(c.putObject("answer"), "answer", a.sdp());
                yield ANSWER;
            }
            case Candidates cs -> {
                ArrayNode arr = c.putArray("candidates");
                for (IceCandidate ic : cs.candidates()) {
                    ObjectNode o = arr.addObject();
                    o.put("candidate", ic.candidate());
                    if (ic.sdpMid() != null) {
                        o.put("sdpMid", ic.sdpMid());
                    }
                    o.put("sdpMLineIndex", ic.sdpMLineIndex());
                }
                yield CANDIDATES;
            }
            case Negotiate n -> {
                c.put("lifetime", 30_000);
                description(c.putObject("description"),
                        n.description().type() == SessionDescription.Type.OFFER ? "offer" : "answer",
                        n.description().sdp());
                yield NEGOTIATE;
            }
            case Hangup h -> {
                c.put("reason", h.reason());
                yield HANGUP;
            }
        };
        return new Message(type, c.toString());
    }

    private static void description(ObjectNode o, String type, String sdp) {
        o.put("type", type);
        o.put("sdp", sdp);
    }

    static Parsed decode(Message message) {
        JsonNode c;
        try {
            c = JSON.readTree(message.contentJson());
        } catch (JsonProcessingException e) {
            return new Parsed.Invalid("content is not JSON");
        }
        if (c == null || !c.isObject()) {
            return new Parsed.Invalid("content is not a JSON object");
        }
        String callId = text(c, "call_id");
        String sender = text(c, "sender_session_id");
        String dest = text(c, "dest_session_id");
        String device = text(c, "device_id");
        if (callId == null || callId.isEmpty() || sender == null || dest == null || device == null) {
            return new Parsed.Invalid("missing call_id, device_id, sender_session_id or dest_session_id");
        }
        String party = text(c, "party_id");
        String conf = text(c, "conf_id");
        String room = text(c, "room_id");
        Envelope env = new Envelope(callId, party == null ? device : party, conf == null ? "" : conf,
                room == null ? "" : room, device, sender, dest, c.path("seq").asLong(0));
        return switch (message.type()) {
            case INVITE -> {
                String sdp = sdp(c.get("offer"), "offer");
                yield sdp == null ? new Parsed.Invalid("invite without an offer")
                        : new Parsed.Ok(new Invite(env, sdp, c.path("lifetime").asLong(30_000)));
            }
            case ANSWER -> {
                String sdp = sdp(c.get("answer"), "answer");
                yield sdp == null ? new Parsed.Invalid("answer without an answer description")
                        : new Parsed.Ok(new Answer(env, sdp));
            }
            case CANDIDATES -> candidates(env, c.get("candidates"));
            case NEGOTIATE -> {
                JsonNode d = c.get("description");
                String type = d == null ? null : text(d, "type");
                String sdp = "offer".equals(type) || "answer".equals(type) ? sdp(d, type) : null;
                yield sdp == null ? new Parsed.Invalid("negotiate without an offer or answer description")
                        : new Parsed.Ok(new Negotiate(env, new SessionDescription("offer".equals(type)
                                ? SessionDescription.Type.OFFER : SessionDescription.Type.ANSWER, sdp)));
            }
            case HANGUP -> {
                String reason = text(c, "reason");
                yield new Parsed.Ok(new Hangup(env, reason == null ? "user_hangup" : reason));
            }
            default -> new Parsed.Invalid("not a call event type: " + message.type());
        };
    }

    private static Parsed candidates(Envelope env, JsonNode arr) {
        if (arr == null || !arr.isArray()) {
            return new Parsed.Invalid("candidates is not an array");
        }
        List<IceCandidate> out = new ArrayList<>();
        for (JsonNode o : arr) {
            String cand = o.isObject() ? text(o, "candidate") : null;
            if (cand == null) {
                return new Parsed.Invalid("a candidate without a candidate line");
            }
            if (cand.isEmpty()) {
                continue; // end-of-candidates
            }
            JsonNode idx = o.get("sdpMLineIndex");
            String mid = text(o, "sdpMid");
            if ((idx == null || !idx.canConvertToInt() || idx.asInt() < 0) && mid == null) {
                return new Parsed.Invalid("a candidate with neither sdpMid nor a valid sdpMLineIndex");
            }
            out.add(new IceCandidate(mid, idx == null || idx.asInt() < 0 ? 0 : idx.asInt(), cand));
        }
        return new Parsed.Ok(new Candidates(env, out));
    }

    private static String sdp(JsonNode d, String expectedType) {
        if (d == null || !d.isObject() || !expectedType.equals(text(d, "type"))) {
            return null;
        }
        String sdp = text(d, "sdp");
        // every SDP starts with its version line (RFC 8866 5.1); anything else is not worth a media round trip
        return sdp == null || !sdp.startsWith("v=0") ? null : sdp;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
