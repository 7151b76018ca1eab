package dev.mxrtc.admin.internal;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The console's one HTML page, rendered on the server from the same JSON documents the endpoints return. It is
 * self-contained: inline CSS, no scripts, no external assets. Every value is escaped: room, user and device ids
 * come from remote Matrix users.
 */
final class AdminHtml {

    private AdminHtml() {
    }

    static String page(ObjectNode health, ObjectNode stats, ObjectNode sessions, List<ObjectNode> rejected,
            ObjectNode services, ObjectNode bundles) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\">")
                .append("<title>mxrtc admin</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}")
                .append("th{background:#f3f3f3}code{font-size:13px}.ok{color:#176f2c}.bad{color:#b00020}")
                .append("</style></head><body>\n<h1>mxrtc admin</h1>\n");

        boolean ok = "ok".equals(health.path("status").asText());
        h.append("<h2>Health</h2><p>Status: <strong class=\"").append(ok ? "ok" : "bad").append("\">")
                .append(esc(health.path("status").asText())).append("</strong>; bundles active ")
                .append(health.path("bundles").path("active").asLong()).append(" of ")
                .append(health.path("bundles").path("total").asLong()).append("; core ")
                .append(esc(health.path("core").asText())).append("; up ")
                .append(health.path("uptime_ms").asLong() / 1000).append(" s; draining: ")
                .append(health.path("draining").asBoolean() ? "<strong class=\"bad\">yes</strong>" : "no")
                .append("</p>\n");
        JsonNode notActive = health.path("bundles").path("not_active");
        if (notActive.size() > 0) {
            table(h, List.of("id", "symbolic_name", "version", "state"), notActive);
        }

        h.append("<h2>Stats</h2>");
        h.append("<p>Rooms ").append(stats.path("rooms").asLong()).append(", sessions ")
                .append(stats.path("sessions").asLong()).append(", members ")
                .append(stats.path("members").path("total").asLong()).append(' ')
                .append(counts(stats.path("members").path("per_format"))).append(", rejected events ")
                .append(stats.path("rejected").path("total").asLong()).append(' ')
                .append(counts(stats.path("rejected").path("per_reason"))).append("</p>\n");

        h.append("<h2>Sessions</h2>");
        JsonNode list = sessions.path("sessions");
        if (list.isEmpty()) {
            h.append("<p>No sessions.</p>\n");
        }
        for (JsonNode s : list) {
            h.append("<h3><code>").append(esc(s.path("room_id").asText())).append("</code> &middot; <code>")
                    .append(esc(s.path("slot_id").asText())).append("</code></h3><p>Started ")
                    .append(esc(time(s.path("start_ts").asLong()))).append("; active transport: <code>")
                    .append(esc(s.path("active_transport").isNull() ? "none" : s.path("active_transport").toString()))
                    .append("</code></p>");
            table(h, List.of("member_id", "user_id", "device_id", "format", "created_ts", "expires_ts",
                    "transports"), s.path("members"));
        }

        h.append("<h2>Rejected events</h2>");
        boolean any = false;
        for (ObjectNode room : rejected) {
            if (room.path("rejected").isEmpty()) {
                continue;
            }
            any = true;
            h.append("<h3><code>").append(esc(room.path("room_id").asText())).append("</code></h3>");
            table(h, List.of("event_id", "reason", "detail"), room.path("rejected"));
        }
        if (!any) {
            h.append("<p>None kept.</p>\n");
        }

        h.append("<h2>SPI implementations</h2>");
        Iterator<Map.Entry<String, JsonNode>> types = services.path("services").fields();
        while (types.hasNext()) {
            Map.Entry<String, JsonNode> e = types.next();
            h.append("<h3><code>").append(esc(e.getKey())).append("</code></h3>");
            if (e.getValue().isEmpty()) {
                h.append("<p>None registered.</p>\n");
            } else {
                table(h, List.of("service_id", "*", "ranking", "component", "bundle"), e.getValue());
            }
        }

        h.append("<h2>Bundles</h2>");
        table(h, List.of("id", "symbolic_name", "version", "state"), bundles.path("bundles"));
        h.append("</body></html>\n");
        return h.toString();
    }

    /** A table of the given fields of each object; {@code *} is the object's second field (the SPI name). */
    private static void table(StringBuilder h, List<String> fields, JsonNode rows) {
        h.append("<table><tr>");
        JsonNode first = rows.size() > 0 ? rows.get(0) : null;
        for (String f : fields) {
            h.append("<th>").append(esc(f.equals("*") ? secondField(first) : f)).append("</th>");
        }
        h.append("</tr>\n");
        for (JsonNode row : rows) {
            h.append("<tr>");
            for (String f : fields) {
                JsonNode v = row.path(f.equals("*") ? secondField(row) : f);
                String text = v.isTextual() ? v.asText()
                        : f.endsWith("_ts") ? time(v.asLong())
                        : v.isMissingNode() ? "" : v.toString();
                h.append("<td>").append(esc(text)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String secondField(JsonNode row) {
        if (row == null) {
            return "name";
        }
        Iterator<String> names = row.fieldNames();
        names.next();
        return names.hasNext() ? names.next() : "name";
    }

    private static String counts(JsonNode map) {
        StringBuilder out = new StringBuilder("(");
        map.fields().forEachRemaining(e -> out.append(out.length() > 1 ? ", " : "").append(esc(e.getKey()))
                .append(' ').append(e.getValue().asLong()));
        return out.append(')').toString();
    }

    private static String time(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
