package dev.mxrtc.e2ee.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.EncryptionScheme;
import dev.mxrtc.core.runtime.SessionService;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.crypto.store.H2CryptoStore;
import dev.mxrtc.e2ee.keys.KeyDistribution;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.OutgoingEvent;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * An mxrtc member built from the real parts, as the runtime wires them: the Matrix client (public factory), the
 * core computing sessions from the synced memberships, a {@code DeviceCrypto} kept in the H2 crypto store, and
 * {@link E2eeRuntime}. It publishes a legacy {@code org.matrix.msc3401.call.member} state event as js-sdk 43 does
 * (the membership manager bundle would do this in the runtime; here the test sends the same content).
 */
final class JavaMember implements AutoCloseable {

    static final String LEGACY_TYPE = "org.matrix.msc3401.call.member";

    final String userId;
    final String deviceId;
    private final StandaloneClient account;
    private final ScheduledThreadPoolExecutor coreThread = new ScheduledThreadPoolExecutor(1);
    final SessionService core;
    private final H2CryptoStore store;
    final E2eeRuntime runtime;

    JavaMember(String url, String localpart, String deviceId, Path dir, byte[] storeKey, OlmFactory olm,
            EncryptionScheme scheme) throws Exception {
        this.account = MatrixClients.open(ClientSettings.password(url, localpart, "pw-" + localpart, dir.resolve("client"))
                .withDeviceId(deviceId).withRegister(true).withTimeouts(500, 10_000).withMaxRetries(3));
        MatrixClient client = account.client();
        this.userId = client.userId();
        this.deviceId = client.deviceId();
        this.core = new SessionService(InstantSource.system(), coreThread::execute, (task, delay) -> {
            var f = coreThread.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, 64);
        this.store = H2CryptoStore.open(dir.resolve("crypto"), storeKey, olm);
        this.runtime = new E2eeRuntime(client, store.openDevice(userId, this.deviceId),
                type -> type.equals(scheme.type()) ? Optional.of(scheme) : Optional.empty(), core::slot,
                Clock.systemUTC(), new E2eeRuntime.Settings(scheme.type(), 20, KeyDistribution.Settings.defaults()));
        runtime.start();
        core.addListener(runtime, null);
        account.addRoomEventSink(core); // after the listener: the snapshot's sessions reach the runtime
        for (String room : core.rooms()) {
            runtime.sessionsNow(core.sessions(room)); // as the DS component catches up; harmless when empty
        }
    }

    MatrixClient client() {
        return account.client();
    }

    String stateKey() {
        return "_" + userId + "_" + deviceId + "_m.call";
    }

    /** The legacy membership js-sdk 43's MembershipManager sends for {@code m.call#ROOM}. */
    void join(String roomId) {
        String content = "{\"application\":\"m.call\",\"call_id\":\"\",\"scope\":\"m.room\",\"device_id\":\""
                + deviceId + "\",\"expires\":14400000,\"focus_active\":{\"type\":\"livekit\","
                + "\"focus_selection\":\"oldest_membership\"},\"foci_preferred\":[{\"type\":\"livekit\","
                + "\"livekit_service_url\":\"http://127.0.0.1:1/livekit\",\"livekit_alias\":\"" + roomId + "\"}]}";
        client().send(OutgoingEvent.state(roomId, LEGACY_TYPE, stateKey(), content));
    }

    void leave(String roomId) {
        client().send(OutgoingEvent.state(roomId, LEGACY_TYPE, stateKey(), "{}"));
    }

    Optional<Session> session(String roomId) {
        return core.session(roomId, SlotId.ROOM_CALL);
    }

    Optional<Member> member(String roomId, String user) {
        return session(roomId).flatMap(s -> s.members().stream().filter(m -> m.userId().equals(user)).findFirst());
    }

    /** Olm sessions the crypto store holds for this device. */
    int olmSessionsStored() throws dev.mxrtc.crypto.CryptoException {
        return store.loadState(userId, deviceId).olmSessions().size();
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {runtime, account, store, coreThread::shutdownNow}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
