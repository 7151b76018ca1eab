package dev.mxrtc.membership.manager;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 (test code): forwards every request to the homeserver and records it,
 * unless a rule answers it (429 with retry-after, 503) or the proxy is partitioned: then requests are held without
 * an answer until the partition heals, and their connections are dropped (a black hole, as a lost network).
 */
final class FaultProxy implements AutoCloseable {

    /** A request as it passed the proxy. */
    record Seen(long ts, String method, String path, String query, int status) {
        boolean is(String m, String pathPart) {
            return method.equals(m) && path.contains(pathPart);
        }
    }

    /** A canned answer. */
    record Reply(int status, Optional<String> retryAfterSeconds, String body) {
        static Reply rateLimited(long retryAfterMs) {
            return new Reply(429, Optional.empty(),
                    "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"slow down\",\"retry_after_ms\":" + retryAfterMs + "}");
        }

        static Reply unavailable() {
            return new Reply(503, Optional.empty(), "<html>503 Service Unavailable</html>");
        }
    }

    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "keep-alive", "expect");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String target;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Function<HttpExchange, Optional<Reply>> rule = e -> Optional.empty();
    private final Object partitionLock = new Object();
    private volatile boolean partitioned;

    FaultProxy(int upstreamPort) throws IOException {
        target = "http://127.0.0.1:" + upstreamPort;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void clearSeen() {
        seen.clear();
    }

    /** @param r answers the requests it matches instead of the homeserver (evaluated per request) */
    void rule(Function<HttpExchange, Optional<Reply>> r) {
        rule = r;
    }

    void clearRule() {
        rule = e -> Optional.empty();
    }

    void partition() {
        partitioned = true;
    }

    void heal() {
        synchronized (partitionLock) {
            partitioned = false;
            partitionLock.notifyAll();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String query = Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse("");
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (partitioned) {
                synchronized (partitionLock) {
                    long until = System.currentTimeMillis() + 60_000;
                    while (partitioned && System.currentTimeMillis() < until) {
                        partitionLock.wait(200);
                    }
                }
                seen.add(new Seen(System.currentTimeMillis(), ex.getRequestMethod(), path, query, 0));
                return; // dropped: the connection closes without an answer
            }
            Optional<Reply> canned = rule.apply(ex);
            if (canned.isPresent()) {
                Reply r = canned.get();
                r.retryAfterSeconds().ifPresent(s -> ex.getResponseHeaders().add("Retry-After", s));
                ex.getResponseHeaders().add("Content-Type",
                        r.body().startsWith("{") ? "application/json" : "text/html");
                byte[] b = r.body().getBytes();
                ex.sendResponseHeaders(r.status(), b.length);
                ex.getResponseBody().write(b);
                seen.add(new Seen(System.currentTimeMillis(), ex.getRequestMethod(), path, query, r.status()));
                return;
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + path + (query.isEmpty() ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(30))
                    .method(ex.getRequestMethod(), body.length == 0 && !"PUT".equals(ex.getRequestMethod())
                            && !"POST".equals(ex.getRequestMethod()) ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) {
                    vs.forEach(v -> req.header(k, v));
                }
            });
            HttpResponse<byte[]> resp;
            try {
                resp = upstream.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                seen.add(new Seen(System.currentTimeMillis(), ex.getRequestMethod(), path, query, 0));
                return; // upstream down: drop the connection, as the client would see it directly
            }
            resp.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            byte[] b = resp.body();
            ex.sendResponseHeaders(resp.statusCode(), b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                ex.getResponseBody().write(b);
            }
            seen.add(new Seen(System.currentTimeMillis(), ex.getRequestMethod(), path, query, resp.statusCode()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        heal();
        server.stop(0);
        pool.shutdownNow();
    }
}
