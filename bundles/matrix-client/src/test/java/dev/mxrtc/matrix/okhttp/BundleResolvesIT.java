package dev.mxrtc.matrix.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.RoomEventSink;
import dev.mxrtc.matrix.okhttp.ScriptedHomeserver.Reply;

/**
 * The built bundle in a real Felix with SCR and Config Admin: it resolves with only Jackson, SLF4J, the mxrtc API
 * and DS from outside (OkHttp, okio and Kotlin embedded), an account configured through Config Admin logs in to a
 * scripted loopback homeserver (a test double, see {@link ScriptedHomeserver}), registers its MatrixClient service and
 * feeds a RoomEventSink service. The mxrtc API and SLF4J come from the class path through the system bundle so the
 * test can register a sink with the same classes.
 */
@Timeout(60)
class BundleResolvesIT {

    private static final String ROOM = "!it:hs.test";

    @TempDir
    Path tmp;

    @Test
    void resolvesAndFeedsTheCoreInFelix() throws Exception {
        try (ScriptedHomeserver hs = new ScriptedHomeserver()
                .withAccount(Accounts4Test.USER, Accounts4Test.DEVICE, Accounts4Test.TOKEN)) {
            hs.on("GET", "/_matrix/client/v3/sync", new SyncScript(150).then("", SyncScript.answer("s1",
                    "\"" + ROOM + "\":{\"timeline\":{\"events\":[{\"event_id\":\"$m\",\"type\":\"m.room.message\","
                            + "\"sender\":\"@a:hs.test\",\"origin_server_ts\":1,\"content\":{\"body\":\"hi\"}}]}}",
                    "", "")));
            Map<String, String> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                    "dev.mxrtc.api;version=0.1.0,org.slf4j;version=2.0.16");
            Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
            fw.start();
            try {
                BundleContext ctx = fw.getBundleContext();
                List<Bundle> bundles = new ArrayList<>();
                File[] deps = new File(System.getProperty("mxrtc.it.bundles")).listFiles((d, n) -> n.endsWith(".jar"));
                Arrays.sort(deps);
                for (File f : deps) {
                    bundles.add(ctx.installBundle(f.toURI().toString()));
                }
                Bundle client = ctx.installBundle(new File(System.getProperty("mxrtc.it.bundle")).toURI().toString());
                bundles.add(client);
                for (Bundle b : bundles) {
                    b.start();
                }
                assertEquals(Bundle.ACTIVE, client.getState());
                List<String> imported = new ArrayList<>();
                for (BundleWire w : client.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package")) {
                    imported.add((String) w.getCapability().getAttributes().get("osgi.wiring.package"));
                }
                assertTrue(imported.stream().noneMatch(p -> p.startsWith("kotlin") || p.startsWith("okio")
                        || p.startsWith("okhttp3")), imported.toString());

                List<String> rooms = new CopyOnWriteArrayList<>();
                ctx.registerService(RoomEventSink.class, new RoomEventSink() {
                    @Override
                    public void onRoomEvents(String roomId, List<RoomEvent> events) {
                        events.forEach(e -> rooms.add(roomId + " " + e.eventId()));
                    }

                    @Override
                    public void onRoomLeft(String roomId) {
                    }
                }, null);

                Object cm = configure(ctx, hs.url());
                await(() -> serviceCount(ctx) == 1, "MatrixClient service");
                ServiceReference<?> ref = ctx.getAllServiceReferences("dev.mxrtc.matrix.MatrixClient", null)[0];
                assertEquals(Accounts4Test.USER, ref.getProperty("matrix.user_id"));
                assertEquals(hs.url(), ref.getProperty("matrix.homeserver"));
                assertTrue(ref.getProperty("password") == null, "no secrets in service properties");
                await(() -> rooms.contains(ROOM + " $m"), "the sink got the room's events");

                cm.getClass().getMethod("delete").invoke(cm);
                await(() -> serviceCount(ctx) == 0, "service gone with its configuration");
            } finally {
                fw.stop();
                fw.waitForStop(10_000);
            }
        }
    }

    /** Creates the factory configuration through Config Admin's own classes (reflection: other class space). */
    private Object configure(BundleContext ctx, String url) throws Exception {
        ServiceReference<?> ref = ctx.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        Object admin = ctx.getService(ref);
        Class<?> adminType = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Object cfg = adminType.getMethod("getFactoryConfiguration", String.class, String.class, String.class)
                .invoke(admin, MatrixClientComponent.PID, "it", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("homeserver_url", url);
        props.put("user_id", Accounts4Test.USER);
        props.put("password", "pw");
        props.put("sync_timeout_ms", 300L);
        props.put("backoff_initial_ms", 20L);
        props.put("backoff_max_ms", 200L);
        props.put("data_dir", tmp.resolve("account").toString());
        Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
        configType.getMethod("update", Dictionary.class).invoke(cfg, props);
        return new ConfigHandle(configType, cfg);
    }

    /** Delete through the interface method (the implementation class is not accessible). */
    public record ConfigHandle(Class<?> type, Object cfg) {
        public void delete() throws Exception {
            type.getMethod("delete").invoke(cfg);
        }
    }

    /** All references: the test's class path has its own copy of dev.mxrtc.matrix, so filtering would hide it. */
    private static int serviceCount(BundleContext ctx) {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences("dev.mxrtc.matrix.MatrixClient", null);
            return refs == null ? 0 : refs.length;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
