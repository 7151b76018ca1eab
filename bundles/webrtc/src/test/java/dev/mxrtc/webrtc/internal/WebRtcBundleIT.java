package dev.mxrtc.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The built bundle in a real Felix with SCR: it resolves with only SLF4J and DS from outside, loads libwebrtc
 * through its own class loader (the service exists only after a probe factory ran), disposes a factory left open
 * when the bundle stops, and after an update (new class loader, new copy of the .so) works again. The service is
 * used by reflection: its types live in the bundle's class loader, not in this test's.
 */
@Timeout(60)
class WebRtcBundleIT {

    private static final String SERVICE = "dev.mxrtc.webrtc.WebRtcRuntime";

    @TempDir
    Path tmp;

    @Test
    void loadsNativeInFelixDisposesOnStopAndSurvivesUpdate() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.slf4j;version=2.0.16");
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
            Bundle webrtc = ctx.installBundle(new File(System.getProperty("mxrtc.it.bundle")).toURI().toString());
            bundles.add(webrtc);
            for (Bundle b : bundles) {
                b.start();
            }
            assertEquals(Bundle.ACTIVE, webrtc.getState());

            Object runtime = awaitService(ctx);
            assertEquals("linux-x86_64", call(runtime, "platform"));
            Object handle = call(runtime, "newHeadlessFactory");
            Object factory = call(handle, "factory");
            assertEquals(webrtc, org.osgi.framework.FrameworkUtil.getBundle(factory.getClass()),
                    "webrtc-java classes come from the bundle");
            assertNotEquals(0L, nativeHandle(factory), "a live native factory");

            webrtc.stop();
            assertEquals(0L, nativeHandle(factory), "the factory left open was disposed when the bundle stopped");

            webrtc.update();
            webrtc.start();
            Object again = awaitService(ctx);
            Object handle2 = call(again, "newHeadlessFactory");
            Object factory2 = call(handle2, "factory");
            assertNotEquals(factory.getClass().getClassLoader(), factory2.getClass().getClassLoader());
            assertNotEquals(0L, nativeHandle(factory2), "the updated bundle loaded libwebrtc again");
            call(handle2, "close");
            assertEquals(0L, nativeHandle(factory2));
        } finally {
            fw.stop();
            fw.waitForStop(TimeUnit.SECONDS.toMillis(20));
        }
    }

    private static Object awaitService(BundleContext ctx) throws InterruptedException {
        ServiceTracker<Object, Object> t = new ServiceTracker<>(ctx, SERVICE, null);
        t.open(true);
        try {
            Object s = t.waitForService(TimeUnit.SECONDS.toMillis(20));
            assertNotNull(s, "WebRtcRuntime registered (native library loaded)");
            ServiceReference<Object> ref = t.getServiceReference();
            assertTrue(ref.getBundle().getSymbolicName().equals("dev.mxrtc.webrtc"));
            return s;
        } finally {
            t.close();
        }
    }

    private static Object call(Object target, String method) throws Exception {
        for (Class<?> i : target.getClass().getInterfaces()) {
            for (Method m : i.getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == 0) {
                    return m.invoke(target);
                }
            }
        }
        throw new NoSuchMethodException(method);
    }

    private static long nativeHandle(Object nativeObject) throws Exception {
        Class<?> c = nativeObject.getClass();
        while (!c.getName().equals("dev.onvoid.webrtc.internal.NativeObject")) {
            c = c.getSuperclass();
        }
        Field f = c.getDeclaredField("nativeHandle");
        f.setAccessible(true);
        return f.getLong(nativeObject);
    }
}
