package dev.mxrtc.matrix.okhttp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted homeserver for protocol and fault paths: a real HTTP server (JDK {@code HttpServer} on 127.0.0.1,
 * ephemeral port) whose answers each test scripts per route. It is a test double for a homeserver, used because the
 * paths tested here (429 with retry-after, 5xx, the server going away, M_UNRECOGNIZED fallbacks, exact request
 * shapes) are hard to provoke in a real one. The happy paths are to run against the real dev homeserver too.
 *
 * <p>Routes are matched in the order added, on method and decoded path; a route may answer once ({@link #once}) or
 * always. Unmatched requests get 404 {@code M_UNRECOGNIZED}. Every request is recorded.
 */
final class ScriptedHomeserver implements AutoCloseable {

    /** A recorded request. */
    record Seen(String method, String path, String rawPath, String query, String body, String authorization) {
        boolean authenticated() {
            return authorization != null && authorization.startsWith("Bearer ");
        }

        String param(String name) {
            if (query == null) {
                return null;
            }
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).equals(name)) {
                    return java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** An answer. */
    record Reply(int status, String body, Map<String, String> headers, long delayMs) {
        static Reply json(int status, String body) {
            return new Reply(status, body, Map.of(), 0);
        }

        static Reply ok(String body) {
            return json(200, body);
        }

        static Reply error(int status, String errcode, String extra) {
            return json(status, "{\"errcode\":\"" + errcode + "\",\"error\":\"scripted\"" + extra + "}");
        }

        Reply withHeader(String name, String value) {
            var h = new java.util.HashMap<>(headers);
            h.put(name, value);
            return new Reply(status, body, Map.copyOf(h), delayMs);
        }

        Reply after(long ms) {
            return new Reply(status, body, headers, ms);
        }
    }

    private record Route(String method, Pattern path, Function<Seen, Reply> handler, boolean once) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Seen> arrivals = new LinkedBlockingQueue<>();
    private HttpServer server;
    private ExecutorService executor;
    private int port;

    ScriptedHomeserver() throws IOException {
        start(0);
    }

    private void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Adds a route that answers every matching request. */
    ScriptedHomeserver on(String method, String pathRegex, Function<Seen, Reply> handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler, false));
        return this;
    }

    ScriptedHomeserver on(String method, String pathRegex, Reply reply) {
        return on(method, pathRegex, s -> reply);
    }

    /** Adds a route that answers the next matching request only (it takes precedence over earlier routes). */
    ScriptedHomeserver once(String method, String pathRegex, Reply reply) {
        routes.add(0, new Route(method, Pattern.compile(pathRegex), s -> reply, true));
        return this;
    }

    /** The usual account endpoints: versions (with the MSC flags), password login, whoami. */
    ScriptedHomeserver withAccount(String userId, String deviceId, String token) {
        on("GET", "/_matrix/client/versions", Reply.ok("{\"versions\":[\"v1.11\",\"v1.12\"],\"unstable_features\":"
                + "{\"org.matrix.msc4140\":true,\"org.matrix.msc4354\":true,\"org.matrix.msc4143\":false}}"));
        on("POST", "/_matrix/client/v3/login", Reply.ok("{\"user_id\":\"" + userId + "\",\"device_id\":\"" + deviceId
                + "\",\"access_token\":\"" + token + "\"}"));
        on("GET", "/_matrix/client/v3/account/whoami", Reply.ok("{\"user_id\":\"" + userId + "\",\"device_id\":\""
                + deviceId + "\"}"));
        return this;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    List<Seen> seen(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        List<Seen> out = new ArrayList<>();
        for (Seen s : seen) {
            if (s.method().equals(method) && p.matcher(s.path()).matches()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Waits (bounded) for the next request matching, recorded from now on or already queued. */
    Seen await(String method, String pathRegex, long timeoutMs) throws InterruptedException {
        Pattern p = Pattern.compile(pathRegex);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long left = deadline - System.nanoTime();
            Seen s = arrivals.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (s == null) {
                throw new AssertionError("no " + method + " " + pathRegex + " within " + timeoutMs + " ms; seen "
                        + seen.stream().map(x -> x.method() + " " + x.path()).toList());
            }
            if (s.method().equals(method) && p.matcher(s.path()).matches()) {
                return s;
            }
        }
    }

    /** The server goes away: connections are refused until {@link #comeBack()}. */
    void goAway() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** The server comes back on the same port. */
    void comeBack() throws IOException {
        start(port);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawPath(),
                ex.getRequestURI().getRawQuery(), body, ex.getRequestHeaders().getFirst("Authorization"));
        seen.add(s);
        arrivals.add(s);
        Reply reply = null;
        for (Route r : routes) {
            if (r.method().equals(s.method()) && r.path().matcher(s.path()).matches()) {
                if (r.once() && !routes.remove(r)) {
                    continue; // another request took it
                }
                reply = r.handler().apply(s);
                break;
            }
        }
        if (reply == null) {
            reply = Reply.error(404, "M_UNRECOGNIZED", "");
        }
        if (reply.delayMs() > 0) {
            try {
                Thread.sleep(reply.delayMs());
            } catch (InterruptedException e) {
                ex.close();
                return;
            }
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
