package dev.mxrtc.membership.manager;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RtcSessionListener;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.core.runtime.SessionService;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.okhttp.TestAccounts;

/**
 * Real parts over loopback: the embedded homeserver on 127.0.0.1:0, the {@link FaultProxy} in front of it, the mxrtc
 * account ("bot", through the proxy, no client-side retries so every fault reaches the manager) with the real core
 * computing its sessions, and an observer account (direct) with its own core. The bot created the room; the observer
 * joined it.
 */
final class Fixture implements AutoCloseable {

    static final String SERVER = "test.local";
    static final String BOT = "@bot:" + SERVER;
    static final String OBSERVER = "@observer:" + SERVER;

    final Path dir;
    final HomeserverConfig hsConfig;
    volatile HomeserverMain hs;
    final int hsPort;
    final FaultProxy proxy;
    final Core botCore = new Core();
    final Core observerCore = new Core();
    final TestAccounts.Account bot;
    final TestAccounts.Account observer;
    final String roomId;

    /** The real session core with its actor thread. */
    static final class Core implements AutoCloseable {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        final SessionService sessions = new SessionService(InstantSource.system(), executor::execute, (task, delay) -> {
            var f = executor.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, 64);

        void listen(RtcSessionListener l) {
            sessions.addListener(l, null);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    Fixture(Path dir, long maxDelayMs, long botRequestTimeoutMs) throws Exception {
        this.dir = dir;
        HomeserverConfig d = HomeserverConfig.defaults(SERVER, dir.resolve("hs"));
        hsConfig = new HomeserverConfig(d.serverName(), d.dataDir(), d.registration(), d.sharedSecret(), maxDelayMs,
                d.maxStickyMs(), d.rtcTransports(), d.publicBaseUrl(), d.maxBodyBytes());
        hs = new HomeserverMain(hsConfig, "127.0.0.1", 0);
        hsPort = hs.port();
        proxy = new FaultProxy(hsPort);
        bot = TestAccounts.open(proxy.url(), BOT, "BOTDEV", dir.resolve("bot"), botRequestTimeoutMs, 0,
                botCore.sessions);
        observer = TestAccounts.open("http://127.0.0.1:" + hsPort, OBSERVER, "OBSDEV", dir.resolve("obs"), 5_000, 3,
                observerCore.sessions);
        roomId = bot.client().createRoom(new CreateRoom(Optional.empty(), Optional.of("call"), Optional.empty(),
                Optional.empty(), List.of(OBSERVER), List.of(), Optional.empty(), Optional.empty(), false));
        observer.client().joinRoom(roomId);
    }

    MatrixClient botClient() {
        return bot.client();
    }

    /** @return the members of the room call as the observer's core computes them */
    List<Member> observed() {
        return observed(observerCore);
    }

    /** @return the members of the room call as {@code core} computes them */
    List<Member> observed(Core core) {
        return core.sessions.session(roomId, SlotId.ROOM_CALL).map(Session::members).orElse(List.of());
    }

    /** Waits (bounded, polling) until the observer's members satisfy the condition; returns them. */
    List<Member> awaitObserved(Predicate<List<Member>> condition, long timeoutMs, String what) throws InterruptedException {
        return awaitObserved(observerCore, condition, timeoutMs, what);
    }

    /** Waits (bounded, polling) until the members {@code core} computes satisfy the condition; returns them. */
    List<Member> awaitObserved(Core core, Predicate<List<Member>> condition, long timeoutMs, String what)
            throws InterruptedException {
        String whose = core == observerCore ? "observer" : "bot";
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<Member> now = observed(core);
        while (!condition.test(now)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(whose + ": " + what + " not within " + timeoutMs + " ms; members " + now);
            }
            Thread.sleep(10);
            now = observed(core);
        }
        return now;
    }

    /** @return the members of the bot's device, as the observer sees them */
    static List<Member> ofBot(List<Member> members) {
        return members.stream().filter(m -> m.userId().equals(BOT) && m.deviceId().equals("BOTDEV")).toList();
    }

    /** The legacy state of the bot's device, read directly from the homeserver by the observer. */
    Optional<String> legacyState() {
        return observer.client().stateEvent(roomId, MemberWire.LEGACY_TYPE, "_" + BOT + "_BOTDEV_m.call");
    }

    /** Stops the homeserver, keeps it down for {@code downMs}, starts it again on the same port and data. */
    void restartHomeserver(long downMs) throws Exception {
        hs.close();
        Thread.sleep(downMs);
        hs = new HomeserverMain(hsConfig, "127.0.0.1", hsPort);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {bot, observer, proxy, botCore, observerCore, () -> hs.close()}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
