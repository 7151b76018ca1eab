package dev.mxrtc.membership.manager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * matrix-js-sdk 43 as an independent observer: {@code interop/membership/observer.mjs} in a node process, logged in
 * as a new device of the observer user, reporting the memberships js-sdk computes for the room call. Every report
 * is kept, so a test can check each observation point and the whole history.
 */
final class JsObserver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One membership as js-sdk reports it. */
    record JsMember(String userId, String deviceId, String memberId, String eventId) {
    }

    /** One report: the memberships after a change. */
    record Report(long ts, List<JsMember> members) {
        List<JsMember> of(String user, String device) {
            return members.stream().filter(m -> m.userId().equals(user) && m.deviceId().equals(device)).toList();
        }
    }

    private final Process process;
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean ready;

    /** @return whether node and the interop project are here (the test fails loudly if not) */
    static Path interopDir() {
        Path dir = Path.of(System.getProperty("mxrtc.interop.dir", "../../interop")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules/matrix-js-sdk"))) {
            throw new AssertionError("matrix-js-sdk not installed in " + dir + ": run npm ci there");
        }
        return dir;
    }

    JsObserver(String baseUrl, String userId, String password, String roomId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String login = JSON.createObjectNode().put("type", "m.login.password").put("password", password)
                .put("initial_device_display_name", "js-sdk observer")
                .set("identifier", JSON.createObjectNode().put("type", "m.id.user").put("user", userId)).toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_matrix/client/v3/login"))
                .POST(HttpRequest.BodyPublishers.ofString(login)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode session = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new AssertionError("observer login failed: " + r.body());
        }
        Path dir = interopDir();
        process = new ProcessBuilder("node", "membership/observer.mjs", baseUrl, userId,
                session.path("access_token").asText(), session.path("device_id").asText(), roomId)
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        reader = new Thread(this::read, "js-observer");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!ready || reports.isEmpty()) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                close();
                throw new AssertionError("js-sdk observer not ready within 20 s");
            }
            Thread.sleep(20);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = JSON.readTree(line);
                switch (n.path("type").asText()) {
                    case "ready" -> ready = true;
                    case "memberships" -> {
                        List<JsMember> ms = new ArrayList<>();
                        for (JsonNode m : n.path("members")) {
                            ms.add(new JsMember(m.path("user_id").asText(), m.path("device_id").asText(),
                                    m.path("member_id").asText(), m.path("event_id").asText()));
                        }
                        reports.add(new Report(n.path("ts").asLong(), List.copyOf(ms)));
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** @return every report so far, oldest first */
    List<Report> reports() {
        return List.copyOf(reports);
    }

    /** @return the latest report */
    Report latest() {
        List<Report> all = reports();
        return all.get(all.size() - 1);
    }

    /** Waits (bounded) until the latest report satisfies the condition; returns it. */
    Report await(Predicate<Report> condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.test(latest())) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("js-sdk observer: " + what + " not within " + timeoutMs + " ms; latest "
                        + latest());
            }
            Thread.sleep(5);
        }
        return latest();
    }

    @Override
    public void close() throws Exception {
        try {
            process.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
