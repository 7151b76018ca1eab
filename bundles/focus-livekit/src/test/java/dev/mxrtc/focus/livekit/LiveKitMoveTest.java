package dev.mxrtc.focus.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.media.supervisor.MediaSupervisor;

/**
 * A move inside one connection, make-before-break: a legacy {@code multi_sfu} member publishes on its own SFU; when
 * its membership names another service (the session's active transport unchanged), the connection joins the new
 * SFU and leaves the old one only after the new publisher is connected. Two {@link FakeMediaSfu} test doubles (no
 * LiveKit SFU runs here) share one media worker; each has its own {@link FakeLkJwtService} test double. The
 * legacy member gets its tokens from {@code /sfu/get} as {@code user:device}.
 */
@Timeout(180)
class LiveKitMoveTest {

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() {
        for (AutoCloseable c : open.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Test
    void aMultiSfuMemberMovesToItsNewServiceMakeBeforeBreak() throws Exception {
        HomeserverMain hs = keep(new HomeserverMain(HomeserverConfig.defaults("localhost", dir.resolve("hs")),
                "127.0.0.1", 0));
        String hsUrl = "http://127.0.0.1:" + hs.port();
        MediaSupervisor sfuEngine = keep(TestMedia.engine());
        MediaSupervisor engine = keep(TestMedia.engine());
        FakeMediaSfu sfu1 = keep(new FakeMediaSfu(sfuEngine, "PA_", 1, 5));
        FakeMediaSfu sfu2 = keep(new FakeMediaSfu(sfuEngine, "PB_", 1, 5));
        FakeLkJwtService jwt1 = keep(new FakeLkJwtService(hsUrl, sfu1.url()));
        FakeLkJwtService jwt2 = keep(new FakeLkJwtService(hsUrl, sfu2.url()));
        StandaloneClient alice = keep(MatrixClients.open(ClientSettings.password(hsUrl, "alice", "secret-pw",
                dir.resolve("alice")).withRegister(true).withDeviceId("ALICEDEV").withTimeouts(1_000, 10_000)));
        LiveKitBackend backend = keep(new LiveKitBackend(engine, u -> alice.client().requestOpenIdToken(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                LiveKitSettings.defaults().withToneHz(440).withConnectTimeout(Duration.ofSeconds(60))));

        Member before = Sessions4Test.legacy("@alice:localhost", "ALICEDEV", 1, FocusActive.MULTI_SFU, jwt1.url());
        Member after = Sessions4Test.legacy("@alice:localhost", "ALICEDEV", 1, FocusActive.MULTI_SFU, jwt2.url());
        Transport active = Transport.livekit(jwt1.url(), null);
        LiveKitConnection c = (LiveKitConnection) backend.connect(new Session(Sessions4Test.ROOM, SlotId.ROOM_CALL,
                List.of(before), 1, Optional.of(active)), before, active).toCompletableFuture().get(90, TimeUnit.SECONDS);
        assertEquals(Optional.of(jwt1.url()), c.serviceUrl());
        TestMedia.await(Duration.ofSeconds(30), () -> sfu1.publisherConnectedAt.containsKey("@alice:localhost:ALICEDEV"),
                "published on SFU 1 (the SFU's side of the connection)");

        long t = System.nanoTime();
        c.sessionChanged(new Session(Sessions4Test.ROOM, SlotId.ROOM_CALL, List.of(after), 1, Optional.of(active)));
        TestMedia.await(Duration.ofSeconds(60), () -> sfu1.leftAt.containsKey("@alice:localhost:ALICEDEV"),
                "left SFU 1");
        // The client leaves SFU 1 when its own publisher on SFU 2 is CONNECTED. The double's worker may report its
        // side CONNECTED a few ms later, so the oracle is the answer: a break-before-make client would leave before
        // it even joined SFU 2.
        long answered = sfu2.publisherAnsweredAt.getOrDefault("@alice:localhost:ALICEDEV", Long.MAX_VALUE);
        long left = sfu1.leftAt.get("@alice:localhost:ALICEDEV");
        TestMedia.await(Duration.ofSeconds(30), () -> sfu2.publisherConnectedAt.containsKey("@alice:localhost:ALICEDEV"),
                "SFU 2's side of the publisher connected");
        long up = sfu2.publisherConnectedAt.get("@alice:localhost:ALICEDEV");
        System.out.printf("livekit-move: SFU 2 answered the publisher %d ms after the session change, its side"
                + " connected at %d ms; SFU 1 got the leave at %d ms%n", (answered - t) / 1_000_000,
                (up - t) / 1_000_000, (left - t) / 1_000_000);
        assertTrue(answered < left, "make-before-break: joined and negotiated on SFU 2 before leaving SFU 1");
        assertEquals(Optional.of(jwt2.url()), c.serviceUrl());
        assertEquals("/sfu/get", jwt2.grants.get(0).path());
        assertEquals("@alice:localhost:ALICEDEV", jwt2.grants.get(0).identity());

        // an active-transport change is the runtime's move: the connection stays where it is
        c.sessionChanged(new Session(Sessions4Test.ROOM, SlotId.ROOM_CALL, List.of(before), 1,
                Optional.of(Transport.livekit("http://127.0.0.1:1/elsewhere", null))));
        assertEquals(Optional.of(jwt2.url()), c.serviceUrl());
        assertFalse(sfu2.leftAt.containsKey("@alice:localhost:ALICEDEV"));
        c.close();
        TestMedia.await(Duration.ofSeconds(10), () -> sfu2.leftAt.containsKey("@alice:localhost:ALICEDEV"),
                "left SFU 2 on close");
    }
}
