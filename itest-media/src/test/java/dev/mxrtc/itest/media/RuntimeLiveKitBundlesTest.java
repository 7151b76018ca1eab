package dev.mxrtc.itest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.testsupport.ForkedRuntime;

/**
 * Issue 7 in the assembled runtime, first step towards the growing call: one real runtime ({@code bin/mxrtc run} of
 * the built distribution) has the LiveKit bundles and uses them as an operator would configure them.
 * <ol>
 * <li>the {@code livekit} focus backend (from deploy/) and the {@code full_mesh_into_livekit} selection are
 * registered beside {@code full_mesh} (admin console {@code /services});</li>
 * <li>the LiveKit auth service is off until configured, then serves {@code /livekit/jwt/healthz};</li>
 * <li>a sticky participation that publishes {@code [full_mesh_into_livekit, full_mesh, livekit]} connects through
 * {@code full_mesh} (a session of one member is below the mesh limit): the focus runtime follows the session's active
 * transport instead of asking for a backend of type {@code full_mesh_into_livekit}, which none implements.</li>
 * </ol>
 * No SFU is contacted here (the session never grows past the mesh limit), so no test double is needed. Runs in the
 * module's network namespace; logs under target/runs/livekit-bundles-*.
 */
@Timeout(240)
class RuntimeLiveKitBundlesTest {

    final Path dir = Path.of(System.getProperty("mxrtc.itest.out", System.getProperty("java.io.tmpdir")),
            "livekit-bundles-" + System.currentTimeMillis());
    RuntimeNode a;
    StandaloneClient host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void livekitBundlesAreThereAndAStickyFullMeshIntoLivekitMemberMeshesBelowTheLimit() throws Exception {
        long t0 = System.nanoTime();
        a = RuntimeNode.create(RuntimeFullMeshTest.DIST, dir, "a", 440, "", ForkedRuntime.freePort());
        a.start();
        RuntimeFullMeshTest.await(120_000, "the runtime healthy", () -> a.admin("/health")
                .map(h -> h.path("status").asText().equals("ok")).orElse(false));
        System.out.println("livekit bundles: runtime healthy after " + RuntimeFullMeshTest.ms(t0) + " ms");

        // 1. the focus backends and the selection
        RuntimeFullMeshTest.await(30_000, "the livekit focus backend registered",
                () -> a.serviceId("FocusBackend", "mxrtc.transport.type", "livekit") != -1);
        assertNotEquals(-1, a.serviceId("FocusBackend", "mxrtc.transport.type", "full_mesh"));
        assertNotEquals(-1, a.serviceId("FocusSelection", "mxrtc.focus.selection", "full_mesh_into_livekit"),
                "the full_mesh_into_livekit selection is registered");

        // 2. the auth service: off by default, on once its configuration is written
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI healthz = URI.create(a.base() + "/livekit/jwt/healthz");
        assertEquals(404, status(http, healthz), "no auth service without its configuration");
        a.write("etc/dev.mxrtc.livekit.auth.cfg", ("livekit_url = ws://127.0.0.1:7880\n"
                + "livekit_key = itest-key\nlivekit_secret = itest-secret-itest-secret-itest-secret\n"
                + "full_access_homeservers = *\nfederation_url_overrides = localhost=" + a.base() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        RuntimeFullMeshTest.await(30_000, "the auth service answering /healthz", () -> status(http, healthz) == 200);

        // 3. a sticky member publishing the selection first meshes through full_mesh
        host = MatrixClients.open(ClientSettings.password(a.base(), "host", "pw-host", dir.resolve("host"))
                .withDeviceId("HOSTDEV").withRegister(true).withTimeouts(1_000, 10_000).withMaxRetries(2));
        String room = host.client().createRoom(new CreateRoom(Optional.of(CreateRoom.Preset.PUBLIC_CHAT),
                Optional.of("growing call"), Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), false));
        String transports = "{\"type\":\"full_mesh_into_livekit\"},{\"type\":\"full_mesh\",\"signalling\":\"to_device\"},"
                + "{\"type\":\"livekit\",\"livekit_service_url\":\"" + a.base() + "/livekit/jwt\"}";
        a.write("etc/dev.mxrtc.membership.join-grow.cfg", ("room = " + room + "\nslot = m.call#ROOM\ntransports = ["
                + transports + "]\nformat = STICKY_UNSTABLE\napplication.fields = {\"m.call.intent\":\"audio\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        RuntimeFullMeshTest.await(60_000, "the member connected through full_mesh",
                () -> a.log().contains("(full_mesh)") && a.mesh().map(m -> m.path("connections").size() == 1)
                        .orElse(false));
        assertEquals(1, a.members(room).size(), a.members(room).toString());
        System.out.println("livekit bundles: sticky full_mesh_into_livekit member meshing after "
                + RuntimeFullMeshTest.ms(t0) + " ms");
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
