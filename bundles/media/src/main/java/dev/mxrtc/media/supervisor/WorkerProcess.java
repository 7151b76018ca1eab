package dev.mxrtc.media.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.media.ipc.Command;
import dev.mxrtc.media.ipc.Event;
import dev.mxrtc.media.ipc.Wire;
import dev.mxrtc.media.ipc.WireException;

/**
 * One run of the worker JVM: its stdin (commands), a reader thread for its stdout (events) and one for its stderr
 * (logged). Reports each event, then exactly one exit, to the callbacks (which hand them to the supervisor's actor).
 */
final class WorkerProcess {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

    private final Process process;
    private final Writer stdin;
    private final long started = System.nanoTime();

    private WorkerProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static WorkerProcess start(WorkerLaunch launch, Consumer<Event> onEvent, Runnable onExit) throws IOException {
        Process p = new ProcessBuilder(launch.command()).start();
        WorkerProcess w = new WorkerProcess(p);
        long pid = p.pid();
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.startsWith("{")) {
                        // libwebrtc's native code prints to fd 1 directly (e.g. "Failed to attach thread" at exit)
                        LOG.debug("media worker {} (native stdout): {}", pid, line);
                        continue;
                    }
                    try {
                        onEvent.accept(Wire.decodeEvent(line));
                    } catch (WireException e) {
                        LOG.warn("media worker {}: unreadable line ({}): {}", pid, e.getMessage(),
                                line.length() > 200 ? line.substring(0, 200) + "..." : line);
                    }
                }
            } catch (IOException e) {
                LOG.debug("media worker {}: stdout closed: {}", pid, e.toString());
            } finally {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                onExit.run();
            }
        }, "media-worker-" + pid + "-out");
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    LOG.info("media worker {}: {}", pid, line);
                }
            } catch (IOException e) {
                LOG.debug("media worker {}: stderr closed", pid);
            }
        }, "media-worker-" + pid + "-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
        return w;
    }

    long pid() {
        return process.pid();
    }

    long uptimeMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Writes one command; false when the pipe is gone (the process died). Actor thread only. */
    boolean send(Command c) {
        try {
            stdin.write(Wire.encode(c));
            stdin.write('\n');
            stdin.flush();
            return true;
        } catch (IOException e) {
            LOG.debug("media worker {}: stdin closed: {}", process.pid(), e.toString());
            return false;
        }
    }

    /** Asks the worker to dispose and exit; closes stdin so it exits even if the line is lost. */
    void requestExit() {
        send(new Command.Dispose());
        try {
            stdin.close();
        } catch (IOException e) {
            LOG.debug("media worker {}: closing stdin: {}", process.pid(), e.toString());
        }
    }

    void kill() {
        process.destroyForcibly();
    }

    boolean awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
