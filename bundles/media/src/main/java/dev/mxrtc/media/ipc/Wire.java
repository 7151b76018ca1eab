package dev.mxrtc.media.ipc;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The media IPC's wire format in one place: each {@link Command} and {@link Event} as one JSON line with an
 * {@code op} (commands) or {@code ev} (events) discriminator. See docs/media.md for the table.
 */
public final class Wire {

    private Wire() {
    }

    static void requireId(String peer) {
        if (peer == null || peer.isEmpty() || peer.length() > 255) {
            throw new IllegalArgumentException("peer id must be 1..255 characters");
        }
    }

    public static String encode(Command c) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (c) {
            case Command.Create x -> {
                peer(m, "create", x.peer(), x.gen()).put("offerer", x.offerer());
                m.put("audio", x.audio());
                m.put("video", x.video());
            }
            case Command.RemoteSdp x -> {
                peer(m, "remote-sdp", x.peer(), x.gen()).put("type", x.type());
                m.put("sdp", x.sdp());
            }
            case Command.Candidate x -> {
                peer(m, "candidate", x.peer(), x.gen()).put("mid", x.mid());
                m.put("index", x.index());
                m.put("candidate", x.candidate());
            }
            case Command.Tone x -> peer(m, "tone", x.peer(), x.gen()).put("hz", x.hz());
            case Command.Pcm x -> peer(m, "pcm", x.peer(), x.gen()).put("pcm",
                    Base64.getEncoder().encodeToString(x.pcm()));
            case Command.Forward x -> peer(m, "forward", x.peer(), x.gen()).put("from", x.from());
            case Command.Video x -> {
                peer(m, "video", x.peer(), x.gen()).put("width", x.width());
                m.put("height", x.height());
                m.put("fps", x.fps());
                m.put("rgb", x.rgb());
            }
            case Command.PushFrame x -> {
                peer(m, "push-frame", x.peer(), x.gen()).put("width", x.width());
                m.put("height", x.height());
                m.put("i420", Base64.getEncoder().encodeToString(x.i420()));
            }
            case Command.VideoStop x -> peer(m, "video-stop", x.peer(), x.gen());
            case Command.Frames x -> {
                peer(m, "frames", x.peer(), x.gen()).put("video-fps", x.videoFps());
                m.put("audio", x.audio());
            }
            case Command.Send x -> peer(m, "send", x.peer(), x.gen()).put("data", x.data());
            case Command.Close x -> peer(m, "close", x.peer(), x.gen());
            case Command.Ping x -> {
                m.put("op", "ping");
                m.put("seq", x.seq());
            }
            case Command.Dispose x -> m.put("op", "dispose");
        }
        return Json.write(m);
    }

    public static String encode(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (e) {
            case Event.Ready x -> {
                m.put("ev", "ready");
                m.put("pid", x.pid());
            }
            case Event.LocalSdp x -> {
                peerEv(m, "sdp", x.peer(), x.gen()).put("type", x.type());
                m.put("sdp", x.sdp());
            }
            case Event.LocalCandidate x -> {
                peerEv(m, "candidate", x.peer(), x.gen()).put("mid", x.mid());
                m.put("index", x.index());
                m.put("candidate", x.candidate());
            }
            case Event.State x -> peerEv(m, "state", x.peer(), x.gen()).put("state", x.state());
            case Event.Data x -> peerEv(m, "data", x.peer(), x.gen()).put("data", x.data());
            case Event.Audio x -> {
                peerEv(m, "audio", x.peer(), x.gen()).put("rms", x.rms());
                m.put("hz", x.hz());
                m.put("samples", x.samples());
            }
            case Event.Video x -> {
                peerEv(m, "video", x.peer(), x.gen()).put("width", x.width());
                m.put("height", x.height());
                m.put("fps", x.fps());
                m.put("rgb", x.rgb());
                m.put("luma", x.luma());
                m.put("frames", x.frames());
            }
            case Event.VideoFrame x -> {
                peerEv(m, "video-frame", x.peer(), x.gen()).put("width", x.width());
                m.put("height", x.height());
                m.put("ts", x.timestampMicros());
                m.put("i420", Base64.getEncoder().encodeToString(x.i420()));
            }
            case Event.AudioFrame x -> {
                peerEv(m, "audio-frame", x.peer(), x.gen()).put("rate", x.rate());
                m.put("pcm", Base64.getEncoder().encodeToString(x.pcm()));
            }
            case Event.Error x -> {
                m.put("ev", "error");
                m.put("peer", x.peer());
                m.put("gen", x.gen());
                m.put("op", x.op());
                m.put("message", x.message());
            }
            case Event.Pong x -> {
                m.put("ev", "pong");
                m.put("seq", x.seq());
            }
            case Event.Closed x -> peerEv(m, "closed", x.peer(), x.gen());
        }
        return Json.write(m);
    }

    private static Map<String, Object> peer(Map<String, Object> m, String op, String peer, int gen) {
        m.put("op", op);
        m.put("peer", peer);
        m.put("gen", gen);
        return m;
    }

    private static Map<String, Object> peerEv(Map<String, Object> m, String ev, String peer, int gen) {
        m.put("ev", ev);
        m.put("peer", peer);
        m.put("gen", gen);
        return m;
    }

    public static Command decodeCommand(String line) throws WireException {
        Fields f = new Fields(Json.read(line));
        try {
            return switch (f.str("op")) {
                case "create" -> new Command.Create(f.str("peer"), f.integer("gen"), f.bool("offerer"),
                        f.bool("audio"), f.optBool("video"));
                case "remote-sdp" -> new Command.RemoteSdp(f.str("peer"), f.integer("gen"), f.str("type"),
                        f.str("sdp"));
                case "candidate" -> new Command.Candidate(f.str("peer"), f.integer("gen"), f.optStr("mid"),
                        f.integer("index"), f.str("candidate"));
                case "tone" -> new Command.Tone(f.str("peer"), f.integer("gen"), f.number("hz"));
                case "pcm" -> new Command.Pcm(f.str("peer"), f.integer("gen"), f.base64("pcm"));
                case "forward" -> new Command.Forward(f.str("peer"), f.integer("gen"), f.str("from"));
                case "video" -> new Command.Video(f.str("peer"), f.integer("gen"), f.integer("width"),
                        f.integer("height"), f.integer("fps"), f.integer("rgb"));
                case "push-frame" -> new Command.PushFrame(f.str("peer"), f.integer("gen"), f.integer("width"),
                        f.integer("height"), f.base64("i420"));
                case "video-stop" -> new Command.VideoStop(f.str("peer"), f.integer("gen"));
                case "frames" -> new Command.Frames(f.str("peer"), f.integer("gen"), f.integer("video-fps"),
                        f.bool("audio"));
                case "send" -> new Command.Send(f.str("peer"), f.integer("gen"), f.str("data"));
                case "close" -> new Command.Close(f.str("peer"), f.integer("gen"));
                case "ping" -> new Command.Ping(f.longValue("seq"));
                case "dispose" -> new Command.Dispose();
                default -> throw new WireException("unknown op " + f.str("op"));
            };
        } catch (IllegalArgumentException | NullPointerException ex) {
            throw new WireException(String.valueOf(ex.getMessage()));
        }
    }

    public static Event decodeEvent(String line) throws WireException {
        Fields f = new Fields(Json.read(line));
        try {
            return switch (f.str("ev")) {
                case "ready" -> new Event.Ready(f.longValue("pid"));
                case "sdp" -> new Event.LocalSdp(f.str("peer"), f.integer("gen"), f.str("type"), f.str("sdp"));
                case "candidate" -> new Event.LocalCandidate(f.str("peer"), f.integer("gen"), f.optStr("mid"),
                        f.integer("index"), f.str("candidate"));
                case "state" -> new Event.State(f.str("peer"), f.integer("gen"), f.str("state"));
                case "data" -> new Event.Data(f.str("peer"), f.integer("gen"), f.str("data"));
                case "audio" -> new Event.Audio(f.str("peer"), f.integer("gen"), f.number("rms"), f.number("hz"),
                        f.longValue("samples"));
                case "video" -> new Event.Video(f.str("peer"), f.integer("gen"), f.integer("width"),
                        f.integer("height"), f.number("fps"), f.integer("rgb"), f.number("luma"),
                        f.longValue("frames"));
                case "video-frame" -> new Event.VideoFrame(f.str("peer"), f.integer("gen"), f.integer("width"),
                        f.integer("height"), f.longValue("ts"), f.base64("i420"));
                case "audio-frame" -> new Event.AudioFrame(f.str("peer"), f.integer("gen"), f.integer("rate"),
                        f.base64("pcm"));
                case "error" -> new Event.Error(f.optStr("peer"), f.integer("gen"), f.str("op"), f.str("message"));
                case "pong" -> new Event.Pong(f.longValue("seq"));
                case "closed" -> new Event.Closed(f.str("peer"), f.integer("gen"));
                default -> throw new WireException("unknown event " + f.str("ev"));
            };
        } catch (IllegalArgumentException | NullPointerException ex) {
            throw new WireException(String.valueOf(ex.getMessage()));
        }
    }

    /** Typed access to a parsed line; a missing or mistyped field is a WireException. */
    private record Fields(Map<String, Object> m) {

        String str(String k) throws WireException {
            if (m.get(k) instanceof String s) {
                return s;
            }
            throw new WireException("field " + k + " must be a string");
        }

        String optStr(String k) throws WireException {
            Object v = m.get(k);
            if (v == null || v instanceof String) {
                return (String) v;
            }
            throw new WireException("field " + k + " must be a string or null");
        }

        boolean bool(String k) throws WireException {
            if (m.get(k) instanceof Boolean b) {
                return b;
            }
            throw new WireException("field " + k + " must be a boolean");
        }

        /** Absent reads as false (fields added in a later version). */
        boolean optBool(String k) throws WireException {
            return m.containsKey(k) && bool(k);
        }

        long longValue(String k) throws WireException {
            if (m.get(k) instanceof Long l) {
                return l;
            }
            throw new WireException("field " + k + " must be an integer");
        }

        int integer(String k) throws WireException {
            long l = longValue(k);
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new WireException("field " + k + " out of range");
            }
            return (int) l;
        }

        double number(String k) throws WireException {
            Object v = m.get(k);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v == null && m.containsKey(k)) {
                return Double.NaN;
            }
            throw new WireException("field " + k + " must be a number");
        }

        byte[] base64(String k) throws WireException {
            try {
                return Base64.getDecoder().decode(str(k));
            } catch (IllegalArgumentException e) {
                throw new WireException("field " + k + " is not base64");
            }
        }
    }
}
