package dev.mxrtc.call.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.call.CallRecord;

/** The history in a real H2 file: sessions recorded, queried newest first, closed consistently across restarts. */
@Timeout(60)
class HistoryTest {

    private static final String ROOM = "!r:hs";

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    @Test
    void recordsStartJoinsLeavesAndEndNewestFirst() throws Exception {
        HistoryComponent h = new HistoryComponent(dir, 60_000, clock);
        try {
            Member alice = member("@alice:hs", "A", 1_000_000);
            Member bob = member("@bob:hs", "B", 1_005_000);
            h.onSessionEvent(new SessionEvent.SessionStarted(session(1_000_000, alice)));
            now.set(1_005_000);
            h.onSessionEvent(new SessionEvent.MemberJoined(session(1_000_000, alice, bob), bob));
            now.set(1_065_000);
            h.onSessionEvent(new SessionEvent.MemberLeft(session(1_000_000, bob), alice, "leave"));
            now.set(1_090_000);
            h.onSessionEvent(new SessionEvent.MemberLeft(session(1_000_000), bob, "leave"));
            h.onSessionEvent(new SessionEvent.SessionEnded(session(1_000_000, bob), 1_090_000));
            now.set(2_000_000);
            h.onSessionEvent(new SessionEvent.SessionStarted(session(2_000_000, member("@bob:hs", "B", 2_000_000))));
            h.flush();

            List<CallRecord> calls = h.calls(ROOM, 10);
            assertEquals(2, calls.size());
            CallRecord running = calls.get(0);
            assertEquals(2_000_000, running.startTs());
            assertEquals(OptionalLong.empty(), running.endTs());
            CallRecord first = calls.get(1);
            assertEquals(OptionalLong.of(90_000), first.durationMs());
            assertEquals(HistoryStore.ENDED, first.endReason());
            assertEquals(List.of("@alice:hs", "@bob:hs"),
                    first.participants().stream().map(CallRecord.Participant::userId).toList());
            assertEquals(OptionalLong.of(1_065_000), first.participants().get(0).leaveTs());
            assertEquals(1_005_000, first.participants().get(1).joinTs());
            assertEquals(OptionalLong.of(1_090_000), first.participants().get(1).leaveTs());
            assertEquals(Optional.of(first), h.call(first.id()));
            assertEquals(List.of(), h.calls("!other:hs", 10));
        } finally {
            h.close();
        }
    }

    @Test
    void aCrashLeavesTheCallOpenUntilTheNextStartClosesItAtTheLastHeartbeat() throws Exception {
        HistoryComponent h = new HistoryComponent(dir, 60_000, clock);
        h.onSessionEvent(new SessionEvent.SessionStarted(session(1_000_000, member("@alice:hs", "A", 1_000_000))));
        now.set(1_030_000);
        h.onSessionEvent(new SessionEvent.MemberJoined(session(1_000_000), member("@bob:hs", "B", 1_030_000)));
        h.flush();
        h.crash();

        now.set(5_000_000); // much later: the call must not last until now
        HistoryComponent again = new HistoryComponent(dir, 60_000, clock);
        try {
            CallRecord c = again.calls(ROOM, 10).get(0);
            assertEquals(OptionalLong.of(1_030_000), c.endTs(), "closed at the last heartbeat");
            assertEquals(HistoryStore.RUNTIME_STOPPED, c.endReason());
            assertTrue(c.participants().stream().allMatch(p -> p.leaveTs().equals(OptionalLong.of(1_030_000))));
        } finally {
            again.close();
        }
    }

    @Test
    void aCleanStopClosesRunningCallsAtTheStopTime() throws Exception {
        HistoryComponent h = new HistoryComponent(dir, 60_000, clock);
        h.onSessionEvent(new SessionEvent.SessionStarted(session(1_000_000, member("@alice:hs", "A", 1_000_000))));
        now.set(1_200_000);
        h.close();
        HistoryComponent again = new HistoryComponent(dir, 60_000, clock);
        try {
            CallRecord c = again.calls(ROOM, 10).get(0);
            assertEquals(OptionalLong.of(200_000), c.durationMs());
            assertEquals(HistoryStore.RUNTIME_STOPPED, c.endReason());
        } finally {
            again.close();
        }
    }

    /** The command line in its own JVM reads the database while the runtime (this JVM) has it open. */
    @Test
    void theCommandLineReadsTheLiveDatabaseFromAnotherProcess() throws Exception {
        HistoryComponent h = new HistoryComponent(dir, 60_000, clock);
        try {
            h.onSessionEvent(new SessionEvent.SessionStarted(session(1_000_000, member("@alice:hs", "A", 1_000_000))));
            h.onSessionEvent(new SessionEvent.SessionEnded(session(1_000_000), 1_042_000));
            h.flush();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dh2.bindAddress=127.0.0.1", "-cp", System.getProperty("java.class.path"),
                    HistoryMain.class.getName(), ROOM, "--json", "--data-dir", dir.toString())
                    .redirectErrorStream(false).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "history command finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), err);
            JsonNode json = new ObjectMapper().readTree(out);
            assertEquals(ROOM, json.path("room_id").asText());
            assertEquals(42_000, json.path("calls").get(0).path("duration_ms").asLong());
            assertEquals("@alice:hs", json.path("calls").get(0).path("participants").get(0).path("user_id").asText());
        } finally {
            h.close();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, HistoryMain.run(new String[] {ROOM, "--table", "--data-dir", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("42.000s") && table.contains("@alice:hs A"), table);
        assertEquals(1, HistoryMain.run(new String[] {ROOM, "--data-dir", dir.resolve("none").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        assertEquals(2, HistoryMain.run(new String[] {"--json"}, System.out,
                new PrintStream(new ByteArrayOutputStream())));
    }

    private static Session session(long startTs, Member... members) {
        return new Session(ROOM, SlotId.ROOM_CALL, List.of(members), startTs, Optional.empty());
    }

    private static Member member(String user, String device, long createdTs) {
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, user + ":" + device,
                new Application("m.call", Map.of()), List.of(), List.of(), Optional.empty(), createdTs,
                createdTs + 14_400_000, MemberFormat.LEGACY, "_" + user + "_" + device + "_m.call", "$" + device);
    }
}
