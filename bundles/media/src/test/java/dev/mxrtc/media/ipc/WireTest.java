package dev.mxrtc.media.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class WireTest {

    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=\"quoted\" \\ back\tslash \u2028\r\n";

    @Test
    void everyCommandRoundTripsThroughOneLine() throws Exception {
        List<Command> all = List.of(new Command.Create("p", 1, true, false), new Command.RemoteSdp("p", 2, "offer", SDP),
                new Command.Candidate("p", 3, null, 0, "candidate:1 1 udp 1 10.77.0.1 5000 typ host"),
                new Command.Tone("p", 4, 440.5), new Command.Forward("p", 4, "q"),
                new Command.Send("p", 5, "hé \"x\"\n"),
                new Command.Close("p", 6), new Command.Ping(42), new Command.Dispose(),
                new Command.Create("p", 8, false, true, true), new Command.Video("p", 9, 320, 180, 15, 0xD02828),
                new Command.VideoStop("p", 9), new Command.Frames("p", 9, 5, true));
        for (Command c : all) {
            String line = Wire.encode(c);
            assertFalse(line.contains("\n"), line);
            assertEquals(c, Wire.decodeCommand(line));
        }
        Command.Pcm pcm = new Command.Pcm("p", 7, new byte[] {1, 2, -3, 4});
        Command.Pcm back = assertInstanceOf(Command.Pcm.class, Wire.decodeCommand(Wire.encode(pcm)));
        assertArrayEquals(pcm.pcm(), back.pcm());
        byte[] i420 = new byte[dev.mxrtc.media.I420Frame.size(33, 17)];
        for (int i = 0; i < i420.length; i++) {
            i420[i] = (byte) (i * 5);
        }
        Command.PushFrame pf = assertInstanceOf(Command.PushFrame.class,
                Wire.decodeCommand(Wire.encode(new Command.PushFrame("p", 10, 33, 17, i420))));
        assertEquals(List.of(33, 17), List.of(pf.width(), pf.height()));
        assertArrayEquals(i420, pf.i420());
    }

    @Test
    void pushedFramesOfTheWrongSizeOrTooLargeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Command.PushFrame("p", 1, 4, 4, new byte[16]));
        // 1280x720 either way round is the limit
        Command.PushFrame.checkSize(1280, 720);
        Command.PushFrame.checkSize(720, 1280);
        for (int[] wh : new int[][] {{1281, 720}, {1280, 721}, {1920, 1080}, {0, 10}, {10, -1}, {1000, 1000}}) {
            assertThrows(IllegalArgumentException.class,
                    () -> Command.PushFrame.checkSize(wh[0], wh[1]), wh[0] + "x" + wh[1]);
        }
        assertThrows(WireException.class, () -> Wire.decodeCommand(
                "{\"op\":\"push-frame\",\"peer\":\"p\",\"gen\":1,\"width\":2,\"height\":2,\"i420\":\"AAAA\"}"));
    }

    @Test
    void everyEventRoundTripsThroughOneLine() throws Exception {
        List<Event> all = List.of(new Event.Ready(123), new Event.LocalSdp("p", 1, "answer", SDP),
                new Event.LocalCandidate("p", 1, "0", 0, "candidate:x"), new Event.State("p", 1, "connected"),
                new Event.Data("p", 1, "{\"json\":\"inside\"}"), new Event.Audio("p", 1, 0.21, 440.25, 96000),
                new Event.Error(null, 0, "parse", "bad"), new Event.Error("p", 2, "candidate", "no"),
                new Event.Pong(9), new Event.Closed("p", 3),
                new Event.Video("p", 4, 320, 180, 14.5, 0xD02828, 81.25, 1234));
        for (Event e : all) {
            String line = Wire.encode(e);
            assertFalse(line.contains("\n"), line);
            assertEquals(e, Wire.decodeEvent(line));
        }
        byte[] i420 = new byte[dev.mxrtc.media.I420Frame.size(34, 33)];
        for (int i = 0; i < i420.length; i++) {
            i420[i] = (byte) (i * 7);
        }
        Event.VideoFrame f = assertInstanceOf(Event.VideoFrame.class,
                Wire.decodeEvent(Wire.encode(new Event.VideoFrame("p", 5, 34, 33, 987_654_321L, i420))));
        assertEquals(List.of(34, 33, 987_654_321L), List.of(f.width(), f.height(), f.timestampMicros()));
        assertArrayEquals(i420, f.i420());
        Event.AudioFrame a = assertInstanceOf(Event.AudioFrame.class,
                Wire.decodeEvent(Wire.encode(new Event.AudioFrame("p", 5, 48_000, new byte[] {1, -2, 3, -4}))));
        assertEquals(48_000, a.rate());
        assertArrayEquals(new byte[] {1, -2, 3, -4}, a.pcm());
    }

    @Test
    void aCreateWithoutTheVideoFieldIsAudioOnly() throws Exception {
        Command.Create c = assertInstanceOf(Command.Create.class,
                Wire.decodeCommand("{\"op\":\"create\",\"peer\":\"p\",\"gen\":1,\"offerer\":true,\"audio\":true}"));
        assertFalse(c.video());
    }

    @Test
    void malformedLinesAreRejectedWithAReason() {
        for (String bad : new String[] {"", "not json", "[1,2]", "{\"op\":\"create\"}",
                "{\"op\":\"create\",\"peer\":\"p\",\"gen\":1,\"offerer\":\"yes\"}",
                "{\"op\":\"tone\",\"peer\":\"p\",\"gen\":1,\"hz\":-5}", "{\"op\":\"nope\"}",
                "{\"op\":\"ping\",\"seq\":1} trailing", "{\"op\":\"ping\",\"seq\":{\"nested\":1}}",
                "{\"op\":\"send\",\"peer\":\"p\",\"gen\":1,\"data\":\"unterminated}",
                "{\"op\":\"pcm\",\"peer\":\"p\",\"gen\":1,\"pcm\":\"!!notbase64\"}",
                "{\"op\":\"create\",\"peer\":\"\",\"gen\":1,\"offerer\":true,\"audio\":true}",
                "{\"op\":\"ping\",\"seq\":1,\"seq\":2}",
                "{\"op\":\"video\",\"peer\":\"p\",\"gen\":1,\"width\":321,\"height\":180,\"fps\":15,\"rgb\":0}",
                "{\"op\":\"video\",\"peer\":\"p\",\"gen\":1,\"width\":320,\"height\":180,\"fps\":99,\"rgb\":0}",
                "{\"op\":\"frames\",\"peer\":\"p\",\"gen\":1,\"video-fps\":-1,\"audio\":false}",
                "{\"op\":\"create\",\"peer\":\"p\",\"gen\":1,\"offerer\":true,\"audio\":true,\"video\":1}"}) {
            assertThrows(WireException.class, () -> Wire.decodeCommand(bad), bad);
        }
    }
}
