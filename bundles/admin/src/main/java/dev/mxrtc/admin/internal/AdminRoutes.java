package dev.mxrtc.admin.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.admin.internal.AdminAuth.Verdict;

/**
 * The console's endpoints, below its prefix ({@code /mxrtc/admin} by default):
 * <pre>
 *   GET    /                          the HTML page (the same data as below)
 *   GET    /health                    200 ok | 503 degraded (a non-fragment bundle is not ACTIVE)
 *   GET    /sessions                  every room's sessions
 *   GET    /rooms/{roomId}/sessions   one room's sessions
 *   GET    /rooms/{roomId}/rejected   the events the core rejected in the room, with reasons
 *   GET    /bundles                   id, symbolic name, version, state
 *   GET    /services[?type=SPI]       the registered implementations of the mxrtc SPIs, by bundle
 *   GET    /stats                     counters computed from the sessions
 *   GET    /media                     the runtime's live focus connections: peers, audio, media worker
 *   GET    /drain                     the drain flag
 *   POST   /drain                     start draining (stop accepting new participations)
 *   DELETE /drain                     stop draining
 * </pre>
 * Every request is authorized first ({@link AdminAuth}). There is deliberately no shutdown endpoint.
 */
final class AdminRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private static final String READ = "GET, HEAD";

    private final RuntimeView view;
    private final DrainControl drain;
    private final AdminAuth auth;
    private final AdminJson json;

    AdminRoutes(RuntimeView view, DrainControl drain, AdminAuth auth, AdminJson json) {
        this.view = view;
        this.drain = drain;
        this.auth = auth;
        this.json = json;
    }

    AdminResponse handle(AdminRequest req) {
        return switch (auth.check(req)) {
            case Verdict.Allowed a -> route(req);
            case Verdict.Denied d -> {
                LOG.debug("admin: denied {}: {}", req, d.error());
                Map<String, String> headers = d.status() == 401
                        ? Map.of("WWW-Authenticate", "Bearer realm=\"mxrtc-admin\"") : Map.of();
                yield json(d.status(), json.error(d.error(), d.message()), headers);
            }
        };
    }

    private AdminResponse route(AdminRequest req) {
        String path = req.path().isEmpty() ? "/" : req.path();
        boolean read = req.method().equals("GET") || req.method().equals("HEAD");
        if (path.startsWith("/rooms/")) {
            String rest = path.substring("/rooms/".length());
            int slash = rest.lastIndexOf('/');
            if (slash > 0) {
                String roomId = rest.substring(0, slash);
                String what = rest.substring(slash + 1);
                if (what.equals("sessions") || what.equals("rejected")) {
                    if (!read) {
                        return notAllowed(READ);
                    }
                    CoreSnapshot snap = CoreSnapshot.room(view.sessions(), roomId);
                    return ok(what.equals("sessions") ? json.roomSessions(roomId, snap) : json.rejected(roomId, snap));
                }
            }
            return notFound(path);
        }
        if (path.equals("/drain")) {
            return switch (req.method()) {
                case "GET", "HEAD" -> ok(json.drain(drain));
                case "POST" -> {
                    if (drain.start()) {
                        LOG.info("admin: drain requested from {}", req.remoteAddress());
                    }
                    yield ok(json.drain(drain));
                }
                case "DELETE" -> {
                    if (drain.stop()) {
                        LOG.info("admin: drain cancelled from {}", req.remoteAddress());
                    }
                    yield ok(json.drain(drain));
                }
                default -> notAllowed("GET, HEAD, POST, DELETE");
            };
        }
        if (!List.of("/", "/health", "/sessions", "/bundles", "/services", "/stats", "/media").contains(path)) {
            return notFound(path);
        }
        if (!read) {
            return notAllowed(READ);
        }
        return switch (path) {
            case "/health" -> {
                ObjectNode health = health();
                yield json(json.healthy(health) ? 200 : 503, health, Map.of());
            }
            case "/sessions" -> ok(json.sessions(CoreSnapshot.all(view.sessions())));
            case "/bundles" -> ok(json.bundles(view.bundles()));
            case "/services" -> services(req.query().get("type"));
            case "/stats" -> ok(json.stats(CoreSnapshot.all(view.sessions()), drain));
            case "/media" -> ok(json.media(view.media()));
            default -> page();
        };
    }

    private ObjectNode health() {
        String core = view.sessions().isPresent() ? CoreSnapshot.AVAILABLE : CoreSnapshot.ABSENT;
        return json.health(view.bundles(), view.uptimeMs(), drain, core);
    }

    private AdminResponse services(String type) {
        Map<SpiType, List<ServiceInfo>> out = new LinkedHashMap<>();
        if (type == null || type.isEmpty()) {
            for (SpiType t : SpiType.values()) {
                out.put(t, view.services(t));
            }
        } else {
            Optional<SpiType> t = SpiType.parse(type);
            if (t.isEmpty()) {
                return json(400, json.error("bad_type", "type must be one of the mxrtc SPI types: "
                        + Arrays.stream(SpiType.values()).map(SpiType::className).toList()), Map.of());
            }
            out.put(t.get(), view.services(t.get()));
        }
        return ok(json.services(out));
    }

    private AdminResponse page() {
        CoreSnapshot snap = CoreSnapshot.all(view.sessions());
        Map<SpiType, List<ServiceInfo>> services = new LinkedHashMap<>();
        for (SpiType t : SpiType.values()) {
            services.put(t, view.services(t));
        }
        List<ObjectNode> rejected = snap.rejected().keySet().stream().sorted()
                .map(room -> json.rejected(room, snap)).toList();
        String html = AdminHtml.page(health(), json.stats(snap, drain), json.sessions(snap), rejected,
                json.services(services), json.bundles(view.bundles()));
        return new AdminResponse(200, AdminResponse.HTML, html, Map.of("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'"));
    }

    private AdminResponse ok(ObjectNode body) {
        return json(200, body, Map.of());
    }

    private AdminResponse json(int status, ObjectNode body, Map<String, String> headers) {
        return new AdminResponse(status, AdminResponse.JSON, json.write(body), headers);
    }

    private AdminResponse notFound(String path) {
        return json(404, json.error("not_found", "no such admin endpoint: " + path), Map.of());
    }

    private AdminResponse notAllowed(String allow) {
        return json(405, json.error("method_not_allowed", "allowed: " + allow), Map.of("Allow", allow));
    }
}
