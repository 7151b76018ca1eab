package dev.mxrtc.itest.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The test's handle on a {@link Participant} JVM: starts it with this JVM's java and class path (so it runs in the
 * test's network namespace), collects its report lines with the time each arrived, and kills it.
 */
final class ParticipantProcess implements AutoCloseable {

    /** A report line and when it arrived (System.nanoTime). */
    record Line(long nanos, String[] words) {
        String word(int i) {
            return i < words.length ? words[i] : "";
        }
    }

    final String user;
    final Path log;
    final double tone;
    final Process process;
    final List<Line> lines = new CopyOnWriteArrayList<>();
    final long startedNanos = System.nanoTime();
    private final OutputStream stdin;

    ParticipantProcess(String url, String roomId, String localpart, String device, Path dir, double tone,
            String signalling, String serverName, String hubUrl) throws IOException {
        this.user = "@" + localpart + ":" + serverName;
        this.tone = tone;
        Files.createDirectories(dir);
        this.log = dir.resolve("participant.log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), Participant.class.getName(), url, roomId, localpart,
                device, dir.toString(), Double.toString(tone), signalling, hubUrl));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        process = pb.start();
        stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(new Line(System.nanoTime(), l.trim().split(" ")));
                }
            } catch (IOException e) {
                // process gone
            }
        }, "participant-out-" + localpart);
        reader.setDaemon(true);
        reader.start();
    }

    void command(String c) {
        try {
            stdin.write((c + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("participant " + user + " is gone", e);
        }
    }

    Optional<Line> first(int from, Predicate<Line> p) {
        for (int i = from; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return Optional.of(lines.get(i));
            }
        }
        return Optional.empty();
    }

    /** @return the member id of the mesh, once joined */
    Optional<String> memberId() {
        return first(0, l -> l.word(0).equals("JOINED-MESH")).map(l -> l.word(1));
    }

    /** @return the latest state of the connection to each remote member id */
    Map<String, String> states() {
        Map<String, String> m = new java.util.HashMap<>();
        for (Line l : lines) {
            if (l.word(0).equals("STATE")) {
                m.put(l.word(2), l.word(3));
            } else if (l.word(0).equals("CLOSED")) {
                m.put(l.word(2), "CLOSED");
            }
        }
        return m;
    }

    long connectedCount() {
        return states().values().stream().filter("CONNECTED"::equals).count();
    }

    /** @return the first AUDIO line at or after index {@code from} from {@code remoteUser} at {@code hz} ±3 Hz, loud */
    Optional<Line> heard(int from, String remoteUser, double hz) {
        return first(from, l -> l.word(0).equals("AUDIO") && l.word(1).equals(remoteUser)
                && Math.abs(Double.parseDouble(l.word(3)) - hz) < 3 && Double.parseDouble(l.word(4)) > 0.05);
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                command("leave");
            } catch (AssertionError e) {
                // already gone
            }
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }
}
