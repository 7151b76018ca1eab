package dev.mxrtc.call.interop;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import dev.mxrtc.call.CallEvent;
import dev.mxrtc.call.engine.CallComponent;
import dev.mxrtc.core.runtime.SessionService;
import dev.mxrtc.focus.selection.OldestMembership;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.okhttp.MatrixClientComponent;

/**
 * mxrtc as one account: the real Matrix client (its DS component, constructed directly), the real core
 * ({@link SessionService}) fed by its sync, and the call component. The only stand-in is the OSGi service registry
 * the client component registers its {@link MatrixClient} with: a proxy {@link BundleContext} that hands the
 * service to the test (no framework runs here; the bundle's OSGi wiring is not what these tests are about).
 */
final class MxrtcAccount implements AutoCloseable {

    final MatrixClient client;
    final SessionService core;
    final CallComponent calls;
    final dev.mxrtc.call.history.HistoryComponent history;
    final BlockingQueue<CallEvent> events = new LinkedBlockingQueue<>();
    private final MatrixClientComponent component;
    private final ScheduledExecutorService coreActor;
    private final AutoCloseable feed;

    MxrtcAccount(String homeserverUrl, String userId, String password, Path dataDir) throws Exception {
        AtomicReference<MatrixClient> registered = new AtomicReference<>();
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("registerService")) {
                        registered.set((MatrixClient) a[1]);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p2, m2, a2) -> null);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        Map<String, Object> cfg = Map.of("homeserver__url", homeserverUrl, "user__id", userId, "password", password,
                "data__dir", dataDir.toString(), "sync__timeout__ms", 1000L, "backoff__initial__ms", 50L,
                "backoff__max__ms", 500L);
        MatrixClientComponent.Config config = (MatrixClientComponent.Config) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MatrixClientComponent.Config.class},
                (p, m, a) -> cfg.containsKey(m.getName()) ? cfg.get(m.getName()) : m.getDefaultValue());
        component = new MatrixClientComponent(context, config);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (registered.get() == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no login");
            }
            Thread.sleep(20);
        }
        client = registered.get();
        coreActor = Executors.newSingleThreadScheduledExecutor();
        core = new SessionService(InstantSource.system(), coreActor::execute, (task, delay) -> {
            var f = coreActor.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, 64);
        core.addSelection(new OldestMembership());
        // the core gets each batch before the call component (listeners run in registration order)
        feed = client.addSyncListener((u, batch) -> batch.joined().forEach((r, j) -> core.onRoomEvents(r, j.all())));
        calls = new CallComponent(client, core, InstantSource.system(), 10_000, true);
        calls.addListener(events::add);
        core.addListener(calls, null);
        history = new dev.mxrtc.call.history.HistoryComponent(dataDir.resolve("history"), 30_000,
                InstantSource.system());
        core.addListener(history, null);
    }

    /** @return the next call event of the type, skipping others (bounded wait) */
    <T extends CallEvent> T next(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        java.util.List<CallEvent> skipped = new java.util.ArrayList<>();
        while (System.nanoTime() < deadline) {
            CallEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            if (e != null) {
                skipped.add(e);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 15 s; got " + skipped);
    }

    @Override
    public void close() throws Exception {
        calls.close();
        feed.close();
        history.close();
        coreActor.shutdownNow();
        var deactivate = MatrixClientComponent.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(component);
    }
}
