package dev.mxrtc.core.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.core.Events;
import dev.mxrtc.core.parse.Json;

class InspectMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return InspectMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static final String INPUT = Events.json("{'room_id':'!r:x','events':["
            + "{'type':'m.room.member','state_key':'@a:x','sender':'@a:x','event_id':'$m','origin_server_ts':1,"
            + "'content':{'membership':'join'}},"
            + "{'type':'org.matrix.msc3401.call.member','state_key':'_@a:x_D_m.call','sender':'@a:x','event_id':'$c',"
            + "'origin_server_ts':1000,'content':{'application':'m.call','call_id':'','device_id':'D',"
            + "'focus_active':{'type':'livekit','focus_selection':'oldest_membership'},"
            + "'foci_preferred':[{'type':'livekit','livekit_service_url':'https://s'}]}},"
            + "{'type':'org.matrix.msc4143.rtc.member','sender':'@a:x','event_id':'$s','origin_server_ts':1000,"
            + "'msc4354_sticky':{'duration_ms':3600000},'content':{'slot_id':'m.call#ROOM'}},"
            + "{'type':'org.matrix.msc3401.call.member','sender':'@a:x','event_id':'$bad'}]}");

    @Test
    void printsSessionsAndRejectedEventsFromStdin() throws Exception {
        assertEquals(0, run(INPUT, "inspect", "-", "--now", "2000"));
        JsonNode result = Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode session = result.get("sessions").get(0);
        assertEquals("m.call#ROOM", session.get("slot_id").asText());
        assertEquals("m.call", session.get("application").asText());
        assertEquals("legacy", session.get("members").get(0).get("format").asText());
        assertEquals(1000 + 14_400_000, session.get("members").get(0).get("expires_ts").asLong());
        assertEquals("https://s", session.get("active_transport").get("livekit_service_url").asText());
        assertEquals("[{\"event_id\":\"$s\",\"reason\":\"left\"},"
                + "{\"event_id\":\"$bad\",\"reason\":\"malformed_event\"}]", result.get("rejected").toString());
    }

    @Test
    void readsAFileAndDefaultsNowToTheClock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.json");
        Files.writeString(file, INPUT);
        assertEquals(0, run("", file.toString()));
        JsonNode result = Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(0, result.get("sessions").size(), "in real time the 1970 membership expired long ago");
        assertTrue(result.get("rejected").toString().contains("\"expired\""));
    }

    @Test
    void unusableInputExitsTwoWithOneLine() {
        for (String bad : new String[] {"not json", "[1]", "{\"events\":[]}", "{\"room_id\":\"!r\"}"}) {
            out.reset();
            err.reset();
            assertEquals(2, run(bad, "-", "--now", "1"), bad);
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, message.lines().count(), message);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
        assertEquals(2, run("{}", "--now", "x", "-"));
        assertEquals(2, run("{}"));
        assertEquals(2, run("", "/does/not/exist.json"));
    }
}
