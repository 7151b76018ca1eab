package dev.mxrtc.admin.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.admin.Drain;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RejectedEvent;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;

/**
 * The console's JSON, one method per document. Field names are snake_case like the Matrix wire formats; times
 * are milliseconds since the epoch ({@code *_ts}) or durations ({@code *_ms}). The HTML page renders these same
 * trees, so both always show the same data.
 */
final class AdminJson {

    private final ObjectMapper mapper;

    AdminJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code status} is {@code degraded} when a non-fragment bundle is not ACTIVE. */
    ObjectNode health(List<BundleInfo> bundles, long uptimeMs, Drain drain, String core) {
        List<BundleInfo> notActive = bundles.stream().filter(BundleInfo::unhealthy).toList();
        ObjectNode out = mapper.createObjectNode();
        out.put("status", notActive.isEmpty() ? "ok" : "degraded");
        ObjectNode b = out.putObject("bundles");
        b.put("active", bundles.stream().filter(x -> BundleInfo.ACTIVE.equals(x.state())).count());
        b.put("total", bundles.size());
        ArrayNode na = b.putArray("not_active");
        notActive.forEach(x -> na.add(bundle(x)));
        out.put("uptime_ms", uptimeMs);
        out.put("core", core);
        out.put("draining", drain.draining());
        return out;
    }

    boolean healthy(ObjectNode health) {
        return "ok".equals(health.path("status").asText());
    }

    ObjectNode sessions(CoreSnapshot snap) {
        ObjectNode out = mapper.createObjectNode();
        out.put("core", snap.core());
        ArrayNode arr = out.putArray("sessions");
        snap.sessions().forEach(s -> arr.add(session(s)));
        return out;
    }

    ObjectNode roomSessions(String roomId, CoreSnapshot snap) {
        ObjectNode out = mapper.createObjectNode();
        out.put("core", snap.core());
        out.put("room_id", roomId);
        ArrayNode arr = out.putArray("sessions");
        snap.sessions().stream().filter(s -> s.roomId().equals(roomId)).forEach(s -> arr.add(session(s)));
        return out;
    }

    ObjectNode rejected(String roomId, CoreSnapshot snap) {
        ObjectNode out = mapper.createObjectNode();
        out.put("core", snap.core());
        out.put("room_id", roomId);
        ArrayNode arr = out.putArray("rejected");
        for (RejectedEvent r : snap.rejected(roomId)) {
            arr.addObject().put("event_id", r.eventId()).put("reason", r.reason()).put("detail", r.detail());
        }
        return out;
    }

    ObjectNode session(Session s) {
        ObjectNode out = mapper.createObjectNode();
        out.put("room_id", s.roomId());
        out.put("slot_id", s.slotId().value());
        out.put("start_ts", s.startTs());
        if (s.activeTransport().isPresent()) {
            out.set("active_transport", transport(s.activeTransport().get()));
        } else {
            out.putNull("active_transport");
        }
        ArrayNode members = out.putArray("members");
        s.members().forEach(m -> members.add(member(m)));
        return out;
    }

    ObjectNode member(Member m) {
        ObjectNode out = mapper.createObjectNode();
        out.put("member_id", m.memberId());
        out.put("user_id", m.userId());
        out.put("device_id", m.deviceId());
        out.put("format", format(m.format()));
        ObjectNode app = out.putObject("application");
        app.put("type", m.application().type());
        m.application().fields().forEach((k, v) -> app.set(k, mapper.valueToTree(v)));
        out.put("created_ts", m.createdTs());
        out.put("expires_ts", m.expiresTs());
        ArrayNode transports = out.putArray("transports");
        m.transports().forEach(t -> transports.add(transport(t)));
        ArrayNode sub = out.putArray("can_subscribe");
        m.canSubscribe().forEach(sub::add);
        m.focusActive().ifPresent(f -> out.putObject("focus_active").put("type", f.type())
                .put("focus_selection", f.focusSelection()));
        out.put("event_id", m.eventId());
        return out;
    }

    ObjectNode transport(Transport t) {
        ObjectNode out = mapper.createObjectNode();
        out.put("type", t.type());
        t.fields().forEach((k, v) -> out.set(k, mapper.valueToTree(v)));
        return out;
    }

    static String format(MemberFormat f) {
        return switch (f) {
            case STICKY -> "sticky";
            case LEGACY -> "legacy";
        };
    }

    /** {@code {"backends": [{"service_id", "bundle": {...}, <the provider's status>, "error"?}]}} */
    ObjectNode media(List<RuntimeView.MediaProvider> providers) {
        ObjectNode out = mapper.createObjectNode();
        var list = out.putArray("backends");
        for (RuntimeView.MediaProvider p : providers) {
            ObjectNode b = list.addObject();
            b.put("service_id", p.serviceId());
            b.putObject("bundle").put("id", p.bundleId()).put("symbolic_name", p.symbolicName())
                    .put("version", p.version());
            p.status().forEach((k, v) -> b.set(k, mapper.valueToTree(v)));
            if (!p.error().isEmpty()) {
                b.put("error", p.error());
            }
        }
        return out;
    }

    ObjectNode bundles(List<BundleInfo> bundles) {
        ObjectNode out = mapper.createObjectNode();
        ArrayNode arr = out.putArray("bundles");
        bundles.forEach(b -> arr.add(bundle(b)));
        return out;
    }

    private ObjectNode bundle(BundleInfo b) {
        return mapper.createObjectNode().put("id", b.id()).put("symbolic_name", b.symbolicName())
                .put("version", b.version()).put("state", b.state()).put("fragment", b.fragment());
    }

    /** @param services by SPI type, in the order to show */
    ObjectNode services(Map<SpiType, List<ServiceInfo>> services) {
        ObjectNode out = mapper.createObjectNode();
        ObjectNode byType = out.putObject("services");
        services.forEach((type, list) -> {
            ArrayNode arr = byType.putArray(type.className());
            for (ServiceInfo s : list) {
                ObjectNode o = arr.addObject();
                o.put("service_id", s.serviceId());
                o.put(type.nameProperty(), s.name());
                o.put("ranking", s.ranking());
                o.put("component", s.component());
                o.putObject("bundle").put("id", s.bundleId()).put("symbolic_name", s.bundleSymbolicName())
                        .put("version", s.bundleVersion());
            }
        });
        return out;
    }

    /**
     * Counters computed from the core's current state. Rejections count what the core still holds: a bounded
     * history per room, of the rooms that have a session (the only rooms RtcSessions lists).
     */
    ObjectNode stats(CoreSnapshot snap, Drain drain) {
        Map<String, Long> perFormat = new TreeMap<>();
        for (MemberFormat f : MemberFormat.values()) {
            perFormat.put(format(f), 0L);
        }
        Map<String, Long> perApplication = new TreeMap<>();
        Map<String, Long> perReason = new TreeMap<>();
        long members = 0;
        for (Session s : snap.sessions()) {
            perApplication.merge(s.slotId().application(), 1L, Long::sum);
            for (Member m : s.members()) {
                members++;
                perFormat.merge(format(m.format()), 1L, Long::sum);
            }
        }
        long rejected = 0;
        for (List<RejectedEvent> list : snap.rejected().values()) {
            for (RejectedEvent r : list) {
                rejected++;
                perReason.merge(r.reason(), 1L, Long::sum);
            }
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("core", snap.core());
        out.put("rooms", snap.sessions().stream().map(Session::roomId).distinct().count());
        out.put("sessions", snap.sessions().size());
        out.set("sessions_per_application", mapper.valueToTree(perApplication));
        ObjectNode m = out.putObject("members");
        m.put("total", members);
        m.set("per_format", mapper.valueToTree(perFormat));
        ObjectNode r = out.putObject("rejected");
        r.put("total", rejected);
        r.set("per_reason", mapper.valueToTree(perReason));
        out.put("draining", drain.draining());
        return out;
    }

    ObjectNode drain(Drain drain) {
        ObjectNode out = mapper.createObjectNode();
        out.put("draining", drain.draining());
        if (drain.since().isPresent()) {
            out.put("since_ts", drain.since().get().toEpochMilli());
        } else {
            out.putNull("since_ts");
        }
        return out;
    }

    ObjectNode error(String error, String message) {
        return mapper.createObjectNode().put("error", error).put("message", message);
    }

    String write(ObjectNode node) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }
}
