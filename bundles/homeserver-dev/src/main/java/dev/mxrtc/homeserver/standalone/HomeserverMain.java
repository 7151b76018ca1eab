package dev.mxrtc.homeserver.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxrtc.homeserver.Homeserver;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.HomeserverConfig.Registration;
import dev.mxrtc.homeserver.http.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Runs the development homeserver outside OSGi on embedded Jetty 12:
 * {@code HomeserverMain [--port 8008] [--bind 127.0.0.1] [--server-name localhost] [--data-dir DIR] [--config FILE.json]}.
 * The config file holds the same keys as the OSGi configuration ({@code server_name}, {@code registration}, …).
 * Prints {@code mxrtc-homeserver listening on http://HOST:PORT} once ready.
 */
public final class HomeserverMain implements AutoCloseable {
    /** Request threads: each long-polling {@code /sync} holds one, so this bounds the concurrently syncing clients. */
    static final int MAX_THREADS = 1000;

    private final Server server;
    private final Homeserver homeserver;

    public HomeserverMain(HomeserverConfig config, String bind, int port) throws Exception {
        this(config, bind, port, null);
    }

    /**
     * @param idleTimeout how long a connection may sit without I/O (also: how long a write to a client that stopped
     *                    reading may block) before Jetty cuts it; null = Jetty's default (30 s)
     */
    public HomeserverMain(HomeserverConfig config, String bind, int port, Duration idleTimeout) throws Exception {
        this.homeserver = new Homeserver(config, Clock.systemUTC());
        // Every long-polling /sync holds its request thread while it waits: with Jetty's default pool (200 threads)
        // 200 syncing clients starved every other request (the load benchmark measured seconds of queueing). Virtual
        // threads were tried too: with the single database lock and 2 cores they queued sends longer (p50 459 ms vs
        // 53 ms under the same load) than platform threads, which the OS schedules preemptively.
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
        threads.setName("homeserver");
        this.server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(bind);
        connector.setPort(port);
        if (idleTimeout != null) connector.setIdleTimeout(idleTimeout.toMillis());
        // state keys such as "_@alice:hs_DEV" arrive percent-encoded; allow encoded separators in segments
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
                .setUriCompliance(UriCompliance.UNSAFE);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder(homeserver.servlet()), "/_matrix/*");
        context.addServlet(new ServletHolder(homeserver.servlet()), "/.well-known/matrix/*");
        server.setHandler(context);
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            homeserver.close();
            throw e;
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public Homeserver homeserver() { return homeserver; }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(HomeserverMain.class).warn("Stopping Jetty failed", e);
        }
        homeserver.close();
    }

    public static void main(String[] args) throws Exception {
        int port = 8008;
        String bind = "127.0.0.1";
        String serverName = null;
        Path dataDir = null;
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> port = Integer.parseInt(require(a, v));
                case "--bind" -> bind = require(a, v);
                case "--server-name" -> serverName = require(a, v);
                case "--data-dir" -> dataDir = Path.of(require(a, v));
                case "--config" -> configFile = Path.of(require(a, v));
                case "--help", "-h" -> {
                    System.out.println("HomeserverMain [--port 8008] [--bind 127.0.0.1] [--server-name localhost] "
                            + "[--data-dir DIR] [--config FILE.json]");
                    return;
                }
                default -> throw new IllegalArgumentException("Unknown argument " + a);
            }
            i++;
        }
        JsonNode file = configFile == null ? Json.object() : Json.MAPPER.readTree(Files.readAllBytes(configFile));
        HomeserverConfig config = fromJson(file, serverName, dataDir);
        HomeserverMain main = new HomeserverMain(config, bind, port);
        Runtime.getRuntime().addShutdownHook(new Thread(main::close, "homeserver-shutdown"));
        System.out.println("mxrtc-homeserver listening on http://" + bind + ":" + main.port());
        main.server.join();
    }

    /** Builds the config from a JSON file's keys; command-line values win. */
    public static HomeserverConfig fromJson(JsonNode f, String serverName, Path dataDir) {
        List<String> transports = new ArrayList<>();
        f.path("rtc_transports").forEach(t -> transports.add(Json.write(t)));
        String reg = f.path("registration").asText("open").toLowerCase(Locale.ROOT);
        Registration mode = switch (reg) {
            case "open" -> Registration.OPEN;
            case "shared-secret", "shared_secret" -> Registration.SHARED_SECRET;
            case "closed" -> Registration.CLOSED;
            default -> throw new IllegalArgumentException("registration must be open, shared-secret or closed");
        };
        return new HomeserverConfig(
                serverName != null ? serverName : f.path("server_name").asText("localhost"),
                dataDir != null ? dataDir : Path.of(f.path("data_dir").asText("data/homeserver")),
                mode, f.path("shared_secret").asText(""),
                f.path("max_delay_ms").asLong(HomeserverConfig.DEFAULT_MAX_DELAY_MS),
                f.path("max_sticky_duration_ms").asLong(HomeserverConfig.STICKY_LIMIT_MS),
                transports, f.path("public_base_url").asText(""),
                f.path("max_body_bytes").asInt(HomeserverConfig.DEFAULT_MAX_BODY_BYTES));
    }

    private static String require(String flag, String value) {
        if (value == null) throw new IllegalArgumentException(flag + " needs a value");
        return value;
    }
}
