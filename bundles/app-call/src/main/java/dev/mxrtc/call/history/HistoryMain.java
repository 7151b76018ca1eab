package dev.mxrtc.call.history;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.call.CallRecord;
import dev.mxrtc.call.CallRecord.Participant;

/**
 * {@code mxrtc history ROOM [--json|--table] [--data-dir DIR] [--limit N]}: prints a room's calls, newest first,
 * from the database the runtime writes (it may be running: H2's auto-server mode lets this process read it).
 * Exit codes: 0 done, 1 no database, 2 bad arguments.
 */
public final class HistoryMain {

    static final String DEFAULT_DATA_DIR = "data/call-history";

    private HistoryMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String room = null;
        boolean json = false;
        String dir = System.getProperty("mxrtc.call.history.dir", DEFAULT_DATA_DIR);
        int limit = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--table" -> json = false;
                case "--data-dir" -> {
                    if (++i >= args.length) {
                        return usage(err, "--data-dir needs a directory");
                    }
                    dir = args[i];
                }
                case "--limit" -> {
                    if (++i >= args.length || !args[i].matches("\\d{1,6}")) {
                        return usage(err, "--limit needs a number");
                    }
                    limit = Integer.parseInt(args[i]);
                }
                default -> {
                    if (args[i].startsWith("--") || room != null) {
                        return usage(err, "unexpected argument " + args[i]);
                    }
                    room = args[i];
                }
            }
        }
        if (room == null) {
            return usage(err, "which room?");
        }
        List<CallRecord> calls;
        try (Connection c = HistoryStore.openForReading(Path.of(dir))) {
            calls = HistoryStore.reader(c).calls(room, limit);
        } catch (java.sql.SQLException e) {
            err.println("mxrtc history: " + e.getMessage());
            return 1;
        }
        out.print(json ? json(room, calls) : table(room, calls));
        out.flush();
        return 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("mxrtc history: " + problem);
        err.println("usage: mxrtc history ROOM [--json|--table] [--data-dir DIR] [--limit N]");
        return 2;
    }

    static String json(String room, List<CallRecord> calls) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("room_id", room);
        ArrayNode list = root.putArray("calls");
        for (CallRecord c : calls) {
            ObjectNode o = list.addObject().put("id", c.id()).put("slot_id", c.slotId()).put("start_ts", c.startTs());
            c.endTs().ifPresentOrElse(t -> o.put("end_ts", t), () -> o.putNull("end_ts"));
            c.durationMs().ifPresentOrElse(d -> o.put("duration_ms", d), () -> o.putNull("duration_ms"));
            o.put("end_reason", c.endReason());
            ArrayNode ps = o.putArray("participants");
            for (Participant p : c.participants()) {
                ObjectNode po = ps.addObject().put("user_id", p.userId()).put("device_id", p.deviceId())
                        .put("member_id", p.memberId()).put("join_ts", p.joinTs());
                p.leaveTs().ifPresentOrElse(t -> po.put("leave_ts", t), () -> po.putNull("leave_ts"));
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String table(String room, List<CallRecord> calls) {
        StringBuilder b = new StringBuilder();
        b.append("calls in ").append(room).append(": ").append(calls.size()).append('\n');
        b.append(String.format("%-6s %-14s %-24s %-10s %-16s %s%n", "ID", "SLOT", "START (UTC)", "DURATION",
                "END", "PARTICIPANTS"));
        for (CallRecord c : calls) {
            String duration = c.durationMs().isPresent() ? seconds(c.durationMs().getAsLong()) : "running";
            b.append(String.format("%-6d %-14s %-24s %-10s %-16s %d%n", c.id(), c.slotId(),
                    Instant.ofEpochMilli(c.startTs()), duration, c.endReason().isEmpty() ? "-" : c.endReason(),
                    c.participants().size()));
            for (Participant p : c.participants()) {
                b.append(String.format("         %s %s  joined +%s  %s%n", p.userId(), p.deviceId(),
                        seconds(p.joinTs() - c.startTs()),
                        p.leaveTs().isPresent() ? "left +" + seconds(p.leaveTs().getAsLong() - c.startTs()) : "still in"));
            }
        }
        return b.toString();
    }

    private static String seconds(long ms) {
        return String.format("%d.%03ds", ms / 1000, Math.abs(ms % 1000));
    }
}
