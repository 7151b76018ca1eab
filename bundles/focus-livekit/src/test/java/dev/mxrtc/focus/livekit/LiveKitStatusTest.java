package dev.mxrtc.focus.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.media.supervisor.MediaSupervisor;

/**
 * The status map (the admin console's {@code GET /media}) of a connection that is still getting its token, then of
 * the backend once that connection failed. The media engine is real (a worker JVM); the OpenID source is held on a
 * latch, so the connection stays in its token step as long as the test needs. Connected links, peers, recoveries and
 * received audio are checked in {@link LiveKitMediaTest}.
 */
@Timeout(60)
class LiveKitStatusTest {

    @Test
    @SuppressWarnings("unchecked")
    void aConnectionGettingItsTokenIsConnectingAndAFailedOneLeavesTheList() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        try (MediaSupervisor engine = TestMedia.engine();
                LiveKitBackend backend = new LiveKitBackend(engine, user -> {
                    asked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("no MatrixClient service for " + user);
                }, HttpClient.newHttpClient(), LiveKitSettings.defaults().withToneHz(440))) {
            String service = "http://127.0.0.1:9/livekit/jwt"; // never reached: the OpenID step fails first
            Member a = Sessions4Test.sticky("@alice:localhost", "ALICEDEV", "member-a", 1, service);
            Transport transport = Transport.livekit(service, null);
            Session session = new Session(Sessions4Test.ROOM, SlotId.ROOM_CALL, List.of(a), 1, Optional.of(transport));

            CompletableFuture<?> stage = backend.connect(session, a, transport).toCompletableFuture();
            assertTrue(asked.await(20, TimeUnit.SECONDS), "the connection asked for an OpenID token");
            Map<String, Object> status = backend.status(2_000);
            assertEquals("livekit", status.get("transport_type"));
            assertEquals("tone 440.0 Hz", status.get("default_audio"));
            Map<String, Object> worker = (Map<String, Object>) status.get("media_worker");
            assertEquals(true, worker.get("running"));
            assertEquals(engine.status().pid(), worker.get("pid"));
            assertEquals(0, worker.get("restarts"));
            List<Map<String, Object>> cs = (List<Map<String, Object>>) status.get("connections");
            assertEquals(1, cs.size(), status.toString());
            Map<String, Object> c = cs.get(0);
            assertEquals(Sessions4Test.ROOM, c.get("room_id"));
            assertEquals("m.call#ROOM", c.get("slot_id"));
            assertEquals("member-a", c.get("member_id"));
            assertEquals("@alice:localhost", c.get("user_id"));
            assertEquals("ALICEDEV", c.get("device_id"));
            assertEquals("connecting", c.get("state"), c.toString());
            for (String nothingYet : List.of("sfu_url", "service_url", "signalling", "publisher", "subscriber",
                    "audio")) {
                assertTrue(c.containsKey(nothingYet), nothingYet);
                assertNull(c.get(nothingYet), nothingYet + " before any link: " + c);
            }
            assertEquals(0, c.get("resumes"));
            assertEquals(0, c.get("reconnects"));
            assertEquals("tone 440.0 Hz", c.get("published"));

            release.countDown();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> stage.get(20, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("unreachable"), failed.getCause().toString());
            TestMedia.await(Duration.ofSeconds(10), () -> ((List<?>) backend.status(2_000).get("connections"))
                    .isEmpty(), "the failed connection leaves the status");
        }
    }
}
