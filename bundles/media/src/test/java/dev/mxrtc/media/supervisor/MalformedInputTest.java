package dev.mxrtc.media.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;

/**
 * Bad input from signalling (an SDP that does not parse, candidates that are not candidates, the wrong description
 * type) comes back as an error to the peer's listener; the worker neither crashes nor restarts, and the call goes on.
 * Both peers live in one worker here, connected to each other, data only: audio in two peers of one worker runs
 * into libwebrtc's headless audio races (see MediaWorker#connected), which this test is not about.
 */
@Timeout(60)
class MalformedInputTest {

    @Test
    void badSdpAndCandidatesAreErrorsNotCrashes() throws Exception {
        try (MediaSupervisor engine = Recorder.engine()) {
            Recorder.startAll(engine);
            long pid = engine.status().pid();

            Recorder rx = new Recorder();
            Recorder ry = new Recorder();
            ry.echoPrefix = "echo:";
            Peer y = engine.createPeer("y", PeerRole.ANSWERER, false, ry);
            ry.self = y;
            rx.remote.set(y);
            Peer x = engine.createPeer("x", PeerRole.OFFERER, false, rx);
            rx.self = x;
            ry.remote.set(x);
            Recorder.await(Duration.ofSeconds(20), () -> rx.find(0, e -> e == PeerState.CONNECTED) >= 0
                    && ry.find(0, e -> e == PeerState.CONNECTED) >= 0, "x and y connected in one worker");

            int from = rx.size();
            x.setRemoteDescription(new SessionDescription(SessionDescription.Type.ANSWER, "garbage\r\nnot sdp"));
            awaitError(rx, from, "remote-sdp");
            from = rx.size();
            x.setRemoteDescription(new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\n"));
            awaitError(rx, from, "remote-sdp");
            from = rx.size();
            x.addIceCandidate(new IceCandidate("0", 0, "candidate:this is not a candidate"));
            awaitError(rx, from, "candidate");
            from = rx.size();
            x.addIceCandidate(new IceCandidate("nope", 7, "candidate:1 1 udp 2122260223 10.77.0.9 1 typ host"));
            awaitError(rx, from, "candidate");
            int yFrom = ry.size();
            y.setRemoteDescription(new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\n"));
            awaitError(ry, yFrom, "remote-sdp");

            // still the same process, and the call still carries data
            assertEquals(pid, engine.status().pid());
            assertEquals(0, engine.status().restarts());
            int after = rx.size();
            x.send("still here");
            Recorder.await(Duration.ofSeconds(10), () -> rx.find(after, "echo:still here"::equals) >= 0,
                    "echo after bad input");
            assertTrue(rx.find(0, e -> e == PeerState.FAILED || e == PeerState.CLOSED) < 0,
                    "the connection never failed");
        }
    }

    private static void awaitError(Recorder r, int from, String op) throws InterruptedException {
        Recorder.await(Duration.ofSeconds(10), () -> r.find(from, e -> e instanceof Recorder.Err err
                && err.op().equals(op)) >= 0, "an error reply to " + op);
        Recorder.Err err = (Recorder.Err) r.at(r.find(from, e -> e instanceof Recorder.Err)).event();
        System.out.println("media-malformed: " + op + " -> " + err.message());
    }
}
