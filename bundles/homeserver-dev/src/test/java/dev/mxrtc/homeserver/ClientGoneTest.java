package dev.mxrtc.homeserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.mxrtc.homeserver.TestServer.User;
import dev.mxrtc.homeserver.http.MatrixServlet;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that goes away while its {@code /sync} is pending or being answered is not a server error: the failed write
 * is logged at DEBUG, never ERROR (it used to be "Internal error" with a stack trace). Real Jetty, real sockets; the
 * "client" is a raw socket so that the test controls exactly when it resets or stops reading.
 */
@Timeout(90)
class ClientGoneTest {
    private static final Predicate<ILoggingEvent> GONE = e -> e.getLevel() == Level.DEBUG
            && e.getLoggerName().equals(MatrixServlet.class.getName())
            && e.getFormattedMessage().startsWith("Client went away before the answer to GET /_matrix/client/v3/sync");
    /** The answer was attempted: the client-gone record, or (as before the fix) an ERROR from the servlet. */
    private static final Predicate<ILoggingEvent> ANSWERED = GONE.or(e -> e.getLevel() == Level.ERROR
            && e.getLoggerName().equals(MatrixServlet.class.getName()));

    @TempDir
    Path dir;

    @Test
    void aClientResetDuringItsLongPollIsNoError() throws Exception {
        try (TestServer hs = TestServer.start(dir); LogCapture logs = LogCapture.start(MatrixServlet.class)) {
            User alice = hs.register("alice");
            String room = hs.createRoom(alice, Map.of());
            String since = hs.sync(alice, null, 0).text("next_batch");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", hs.port()), 5_000);
                request(s, hs, alice, "/_matrix/client/v3/sync?timeout=30000&since=" + TestServer.enc(since));
                awaitLongPoll(hs, alice);
                s.setSoLinger(true, 0); // close() now resets the connection, as a killed client's kernel does
            }
            // wakes the long poll, whose answer now goes to a reset connection
            assertEquals(200, hs.send(alice, room, "m.room.message", "wake", Map.of("body", "wake")).status());
            logs.await(ANSWERED, 20_000);
            assertNoErrors(logs);
            assertTrue(!logs.matching(GONE).isEmpty());
        }
    }

    @Test
    void aClientThatStopsReadingMidAnswerIsNoErrorWhenTheWriteTimesOut() throws Exception {
        // 1 MiB bodies, so that a few events make an answer far larger than the socket buffers (4 MiB at most here)
        HomeserverConfig config = new HomeserverConfig(TestServer.SERVER_NAME, dir, HomeserverConfig.Registration.OPEN,
                "", HomeserverConfig.DEFAULT_MAX_DELAY_MS, HomeserverConfig.STICKY_LIMIT_MS, List.of(), "", 1 << 20);
        try (TestServer hs = new TestServer(config, Duration.ofSeconds(1));
                LogCapture logs = LogCapture.start(MatrixServlet.class)) {
            User alice = hs.register("alice");
            String room = hs.createRoom(alice, Map.of());
            String big = "x".repeat(750_000);
            for (int i = 0; i < 8; i++) {
                assertEquals(200, hs.send(alice, room, "m.room.message", "big" + i, Map.of("body", big)).status());
            }
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096); // before connect: the window the server may fill stays small
                s.connect(new InetSocketAddress("127.0.0.1", hs.port()), 5_000);
                String filter = TestServer.enc("{\"room\":{\"timeline\":{\"limit\":50}}}");
                request(s, hs, alice, "/_matrix/client/v3/sync?timeout=0&filter=" + filter);
                // never reads: the ~6 MB answer blocks in the write until the idle timeout (1 s) cuts it
                logs.await(ANSWERED, 30_000);
                assertNoErrors(logs);
                assertTrue(!logs.matching(GONE).isEmpty());
            }
        }
    }

    private static void request(Socket s, TestServer hs, User u, String pathAndQuery) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + hs.port() + "\r\nAuthorization: Bearer "
                + u.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void awaitLongPoll(TestServer hs, User u) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (hs.homeserver().notifier().waiting(u.userId()) == 0) {
            assertTrue(System.nanoTime() < deadline, "the /sync never started waiting");
            Thread.sleep(10);
        }
    }

    private static void assertNoErrors(LogCapture logs) {
        List<ILoggingEvent> errors = logs.atLeast(Level.ERROR);
        assertTrue(errors.isEmpty(), "ERROR records: " + LogCapture.describe(errors));
        List<ILoggingEvent> servletWarnings = logs.matching(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                && e.getLoggerName().equals(MatrixServlet.class.getName()));
        assertTrue(servletWarnings.isEmpty(), "WARN records: " + LogCapture.describe(servletWarnings));
    }
}
