package dev.mxrtc.itest.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.testsupport.ForkedRuntime;

/**
 * One forked mxrtc runtime ({@code bin/mxrtc run}, the real distribution, its own home and HTTP port) and what the
 * test reads from it: the admin console's {@code /media} and {@code /sessions}, and its log.
 */
final class RuntimeNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final String userId;
    final double toneHz;
    final ForkedRuntime runtime;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    private RuntimeNode(String name, String userId, double toneHz, ForkedRuntime runtime, int port) {
        this.name = name;
        this.userId = userId;
        this.toneHz = toneHz;
        this.runtime = runtime;
        this.port = port;
    }

    /**
     * A copy of the distribution that publishes {@code toneHz} in every full mesh. With {@code homeserverUrl} empty it
     * serves the embedded homeserver and the websocket hub (on {@code hubPort}), and its account is
     * {@code @mxrtc:localhost}; otherwise its homeserver .cfg is removed and its account {@code @mxrtc-<name>:localhost}
     * lives on that homeserver. Every runtime's websocket client connects to the hub at {@code hubPort}.
     */
    static RuntimeNode create(Path dist, Path dir, String name, double toneHz, String homeserverUrl, int hubPort)
            throws IOException {
        ForkedRuntime rt = ForkedRuntime.copy(dist, dir.resolve(name));
        int port = ForkedRuntime.freePort();
        Path etc = rt.home().resolve("etc");
        if (homeserverUrl.isEmpty()) { // the shipped example, on a free port
            Files.writeString(etc.resolve("dev.mxrtc.signalling.websocket.hub.cfg"),
                    Files.readString(etc.resolve("dev.mxrtc.signalling.websocket.hub.cfg.example"))
                            .replaceFirst("(?m)^port = .*$", "port = " + hubPort));
        }
        Files.writeString(etc.resolve("dev.mxrtc.signalling.websocket.client.cfg"),
                "hubUrl = " + hubUrl(hubPort) + "\n");
        // not what this test is about, and one Olm account less to create on a loaded machine
        Files.deleteIfExists(etc.resolve("dev.mxrtc.e2ee.runtime.cfg"));
        Files.writeString(etc.resolve("dev.mxrtc.focus.fullmesh.cfg"), "toneHz = " + toneHz + "\n");
        String user = "@mxrtc:localhost";
        if (!homeserverUrl.isEmpty()) {
            user = "@mxrtc-" + name + ":localhost";
            Files.delete(etc.resolve("dev.mxrtc.homeserver.cfg"));
            Path account = etc.resolve("dev.mxrtc.matrix.client-mxrtc.cfg");
            Files.writeString(account, Files.readString(account)
                    .replaceFirst("(?m)^homeserver_url = .*$", "homeserver_url = " + homeserverUrl)
                    .replaceFirst("(?m)^user_id = .*$", "user_id = " + user));
        }
        return new RuntimeNode(name, user, toneHz, rt, port);
    }

    static String hubUrl(int hubPort) {
        return "ws://127.0.0.1:" + hubPort + "/signalling";
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code bin/mxrtc run} in the background: the process is the runtime's JVM (the script execs it). */
    void start() throws IOException {
        process = runtime.background(name + "-console", Map.of("MXRTC_HTTP_PORT", Integer.toString(port),
                "MXRTC_OPTS", "-Dfelix.fileinstall.poll=300"), "run");
    }

    Process process() {
        return process;
    }

    /** Writes a file into etc/ or deploy/ atomically (FileInstall never sees half of it). */
    void write(String relative, byte[] content) throws IOException {
        Path to = runtime.home().resolve(relative);
        Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Replaces a bundle in deploy/ by a new build of the same bundle: the same classes plus one marker entry, so the
     * file's checksum changes and FileInstall updates the bundle in place (same bundle id).
     */
    void replaceDeployed(String jarName, String marker) throws IOException {
        Path jar = runtime.home().resolve("deploy").resolve(jarName);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zin = new ZipInputStream(in);
                ZipOutputStream zout = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null;) {
                zout.putNextEntry(new ZipEntry(e.getName()));
                zin.transferTo(zout);
                zout.closeEntry();
            }
            zout.putNextEntry(new ZipEntry("META-INF/mxrtc-itest-" + marker + ".txt"));
            zout.write(marker.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zout.closeEntry();
        }
        write("deploy/" + jarName, out.toByteArray());
    }

    /** GET an admin console path; empty if the runtime does not answer (yet). */
    Optional<JsonNode> admin(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/mxrtc/admin" + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The full_mesh backend's status (the console lists every media backend: livekit too), if the console answers. */
    Optional<JsonNode> mesh() {
        return admin("/media").flatMap(m -> {
            for (JsonNode b : m.path("backends")) {
                if ("full_mesh".equals(b.path("transport_type").asText())) {
                    return Optional.of(b);
                }
            }
            return Optional.empty();
        });
    }

    /** The signalling of this runtime's one full-mesh connection ("" while there is none). */
    String signalling() {
        return mesh().map(b -> b.path("connections").path(0).path("signalling").asText()).orElse("");
    }

    /** The peers of this runtime's one full-mesh connection (empty while there is none). */
    List<JsonNode> peers() {
        List<JsonNode> out = new ArrayList<>();
        mesh().ifPresent(b -> b.path("connections").path(0).path("peers").forEach(out::add));
        return out;
    }

    /** The members (member id by user) of the room's session, as this runtime's core sees them. */
    Map<String, String> members(String roomId) {
        Map<String, String> out = new java.util.TreeMap<>();
        admin("/sessions").ifPresent(s -> s.path("sessions").forEach(session -> {
            if (session.path("room_id").asText().equals(roomId)) {
                session.path("members").forEach(m -> out.put(m.path("user_id").asText(), m.path("member_id").asText()));
            }
        }));
        return out;
    }

    /** The service id of the registered implementation of an SPI with that name property (-1 if none). */
    long serviceId(String spi, String property, String value) {
        return admin("/services?type=" + spi).map(s -> {
            for (JsonNode impl : s.path("services").path("dev.mxrtc.api.spi." + spi)) {
                if (impl.path(property).asText().equals(value)) {
                    return impl.path("service_id").asLong();
                }
            }
            return -1L;
        }).orElse(-1L);
    }

    String log() {
        return runtime.logText();
    }

    /** SIGTERM (a clean stop), bounded; then SIGKILL of the JVM and anything it left (its media worker). */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(0, process.toHandle());
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
