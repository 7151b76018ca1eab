package dev.mxrtc.media.echo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.Peer;
import dev.mxrtc.media.PeerRole;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.supervisor.MediaSupervisor;
import dev.mxrtc.media.supervisor.TestSignalling;

/**
 * The example participant in two real worker JVMs (in this test's network namespace): a caller publishes a 523 Hz
 * tone and hears 523 Hz come back from the echo participant; its data messages come back unchanged.
 */
@Timeout(60)
class EchoParticipantTest {

    @Test
    void callerHearsItsOwnToneAndGetsItsMessagesBack() throws Exception {
        try (MediaSupervisor caller = TestSignalling.engine(); MediaSupervisor echo = TestSignalling.engine()) {
            caller.start();
            echo.start();
            TestSignalling.await(Duration.ofSeconds(30), () -> caller.status().running() && echo.status().running(),
                    "workers ready");
            TestSignalling rc = new TestSignalling();
            TestSignalling re = new TestSignalling();
            Peer e = EchoParticipant.start(echo, "caller", PeerRole.ANSWERER, re);
            rc.remote(e);
            Peer c = caller.createPeer("echo", PeerRole.OFFERER, rc);
            re.remote(c);
            TestSignalling.await(Duration.ofSeconds(20), () -> rc.saw(PeerState.CONNECTED), "connected");
            c.send("hello echo");
            TestSignalling.await(Duration.ofSeconds(10), () -> rc.saw("hello echo"), "message back");

            long t = System.nanoTime();
            c.publishTone(523);
            TestSignalling.await(Duration.ofSeconds(20), () -> rc.heard(523), "own tone back");
            AudioLevel back = rc.lastAudio();
            System.out.printf("media-echo: caller hears %.1f Hz back (sent 523), %d ms after publishing%n",
                    back.frequencyHz(), (System.nanoTime() - t) / 1_000_000);
            assertTrue(Math.abs(back.frequencyHz() - 523) < 5);
        }
    }
}
