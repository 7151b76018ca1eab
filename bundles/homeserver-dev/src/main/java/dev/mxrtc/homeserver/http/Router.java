package dev.mxrtc.homeserver.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small path router. Patterns are {@code /}-separated segments: a literal ({@code rooms}), alternatives
 * ({@code v3|r0}) or a variable ({@code :roomId}, matching one decoded segment, possibly empty).
 * A path that matches some pattern but not with this method is {@link Match.WrongMethod} (405).
 */
public final class Router {

    /** Whether a route needs an access token. */
    public enum Auth { NONE, REQUIRED, OPTIONAL }

    /** Handles one request; returns a {@link com.fasterxml.jackson.databind.JsonNode} (200) or a {@link Reply}. */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiRequest request) throws Exception;
    }

    /** A non-200 answer. */
    public record Reply(int status, com.fasterxml.jackson.databind.JsonNode body) {}

    private sealed interface Segment permits Literal, Variable {}
    private record Literal(Set<String> values) implements Segment {}
    private record Variable(String name) implements Segment {}

    public record Route(String method, List<Segment> segments, Auth auth, Handler handler, String pattern) {}

    /** The outcome of matching a path. */
    public sealed interface Match permits Match.Found, Match.NotFound, Match.WrongMethod {
        record Found(Route route, Map<String, String> params) implements Match {}
        record NotFound() implements Match {}
        record WrongMethod() implements Match {}
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, Auth auth, Handler handler) {
        List<Segment> segments = new ArrayList<>();
        for (String part : pattern.substring(1).split("/", -1)) {
            if (part.startsWith(":")) segments.add(new Variable(part.substring(1)));
            else segments.add(new Literal(Set.of(part.split("\\|", -1))));
        }
        routes.add(new Route(method, List.copyOf(segments), auth, handler, pattern));
        return this;
    }

    public Router get(String pattern, Auth auth, Handler h) { return add("GET", pattern, auth, h); }
    public Router post(String pattern, Auth auth, Handler h) { return add("POST", pattern, auth, h); }
    public Router put(String pattern, Auth auth, Handler h) { return add("PUT", pattern, auth, h); }
    public Router delete(String pattern, Auth auth, Handler h) { return add("DELETE", pattern, auth, h); }

    /** Matches decoded path segments (without the leading empty one). */
    public Match match(String method, List<String> path) {
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = matchSegments(route.segments(), path);
            if (params == null) continue;
            if (route.method().equals(method)) return new Match.Found(route, params);
            pathKnown = true;
        }
        return pathKnown ? new Match.WrongMethod() : new Match.NotFound();
    }

    private static Map<String, String> matchSegments(List<Segment> pattern, List<String> path) {
        if (pattern.size() != path.size()) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            switch (pattern.get(i)) {
                case Literal l -> {
                    if (!l.values().contains(path.get(i))) return null;
                }
                case Variable v -> params.put(v.name(), path.get(i));
            }
        }
        return params;
    }
}
