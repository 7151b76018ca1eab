package dev.mxrtc.e2ee.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.core.runtime.SessionService;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * The DS component's activation and deactivation, called as SCR calls them (constructor with the references and
 * the typed configuration, then deactivate), over the real client, homeserver, core and H2 store. The OSGi wiring
 * itself (SCR, Config Admin) is not started here.
 */
@Timeout(60)
class E2eeRuntimeComponentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static E2eeRuntimeComponent.Config config(Path storeDir, String key) {
        return new E2eeRuntimeComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return E2eeRuntimeComponent.Config.class;
            }

            @Override
            public String client_target() {
                return "(matrix.user_id=*)";
            }

            @Override
            public String store__key() {
                return key;
            }

            @Override
            public String store__dir() {
                return storeDir.toString();
            }

            @Override
            public String default__scheme() {
                return "per_member";
            }

            @Override
            public int one__time__keys() {
                return 10;
            }

            @Override
            public String sticky__format() {
                return "JS_SDK_TO_DEVICE";
            }

            @Override
            public boolean send__room__events() {
                return false;
            }
        };
    }

    @Test
    void activationPublishesTheStoreKeptDeviceAndARestartKeepsItsIdentity() throws Exception {
        ScheduledThreadPoolExecutor coreThread = new ScheduledThreadPoolExecutor(1);
        SessionService core = new SessionService(InstantSource.system(), coreThread::execute, (task, delay) -> {
            var f = coreThread.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, 64);
        OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
        String key = HexFormat.of().formatHex(new byte[32]).replace('0', '7');
        try (HomeserverMain hs = new HomeserverMain(HomeserverConfig.defaults("test.local", dir.resolve("hs")),
                "127.0.0.1", 0);
                StandaloneClient account = MatrixClients.open(ClientSettings.password("http://127.0.0.1:" + hs.port(),
                        "bot", "pw-bot", dir.resolve("client")).withDeviceId("BOTDEV").withRegister(true)
                        .withTimeouts(500, 10_000))) {
            MatrixClient client = account.client();
            E2eeRuntimeComponent first = new E2eeRuntimeComponent(null, config(dir.resolve("store"), key), client, olm,
                    core);
            String curve = publishedCurveKey(client);
            assertFalse(curve.isEmpty(), "device keys were uploaded at activation");
            assertTrue(otkCount(client) >= 10, "one-time keys were uploaded");
            first.deactivate();
            first.deactivate(); // idempotent

            E2eeRuntimeComponent second = new E2eeRuntimeComponent(null, config(dir.resolve("store"), key), client,
                    olm, core);
            assertEquals(curve, publishedCurveKey(client), "the restarted component is the same Olm device");
            second.deactivate();

            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> new E2eeRuntimeComponent(null, config(dir.resolve("other"), "not-hex-secret"), client, olm,
                            core));
            assertFalse(bad.getMessage().contains("not-hex-secret"), "the configured key is never echoed");
        } finally {
            coreThread.shutdownNow();
        }
    }

    private static String publishedCurveKey(MatrixClient client) throws Exception {
        JsonNode keys = JSON.readTree(client.queryKeys("{\"device_keys\":{\"" + client.userId() + "\":[]}}"));
        return keys.path("device_keys").path(client.userId()).path(client.deviceId()).path("keys")
                .path("curve25519:" + client.deviceId()).asText("");
    }

    private static int otkCount(MatrixClient client) throws Exception {
        return JSON.readTree(client.uploadKeys("{}")).path("one_time_key_counts").path("signed_curve25519").asInt();
    }
}
