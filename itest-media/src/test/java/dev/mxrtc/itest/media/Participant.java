package dev.mxrtc.itest.media;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.core.runtime.SessionService;
import dev.mxrtc.focus.fullmesh.FullMeshConnection;
import dev.mxrtc.focus.fullmesh.MeshListener;
import dev.mxrtc.focus.fullmesh.PeerStats;
import dev.mxrtc.focus.fullmesh.internal.FullMeshBackend;
import dev.mxrtc.focus.fullmesh.internal.MeshSettings;
import dev.mxrtc.focus.selection.OldestMembership;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.supervisor.MediaSupervisor;
import dev.mxrtc.media.supervisor.WorkerLaunch;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.ParticipationStatus;
import dev.mxrtc.membership.manager.MembershipConfig;
import dev.mxrtc.membership.manager.Participants;
import dev.mxrtc.signalling.todevice.ToDeviceCipher;
import dev.mxrtc.signalling.todevice.ToDeviceSignalling;
import dev.mxrtc.signalling.websocket.WebSocketSignalling;

/**
 * One mxrtc participant in its own JVM, wired like the runtime wires its bundles, without OSGi: a real Matrix
 * account on the homeserver, the real session core, the real membership manager, a supervised media worker, the
 * full_mesh backend and a signalling transport. It joins the room call with a {@code full_mesh} transport, connects
 * the mesh once its own member is in the computed session, publishes a tone and reports on stdout, one line each:
 *
 * <pre>
 * READY member_id            JOINED-MESH member_id
 * STATE user member_id state AUDIO user member_id hz rms      CLOSED user member_id      DATA user text
 * STATS user member_id state calls restarts first_connected_ms sent received
 * </pre>
 *
 * Commands on stdin: {@code stats}, {@code send TEXT} (to everyone), {@code leave} (leave and exit).
 * Commands on stdin also: {@code flood N} (N data messages to everyone), {@code swap} (replace the signalling transport by a new instance, as a bundle update does).
 * Arguments: homeserver URL, room id, user localpart, device id, data dir, tone Hz, signalling type, [hub URL].
 */
public final class Participant {

    private Participant() {
    }

    /** A transport with what closing it must undo. */
    private record Swappable(SignallingTransport transport, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    private static Swappable openTransport(String signalling, MatrixClient client, FullMeshBackend backend,
            String hubUrl) {
        SignallingTransport t;
        AutoCloseable closer;
        switch (signalling) {
            case "to_device" -> {
                ToDeviceSignalling td = new ToDeviceSignalling(client, () -> List.of(backend), ToDeviceCipher.NONE);
                AutoCloseable listening = client.addSyncListener(td);
                t = td;
                closer = () -> {
                    listening.close();
                    td.close();
                };
            }
            case "websocket" -> {
                WebSocketSignalling ws = new WebSocketSignalling(hubUrl, client, () -> List.of(backend));
                t = ws;
                closer = ws;
            }
            default -> throw new IllegalArgumentException("signalling " + signalling);
        }
        backend.addTransport(t);
        return new Swappable(t, closer);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String roomId = args[1];
        String user = args[2];
        String device = args[3];
        Path dir = Path.of(args[4]);
        double tone = Double.parseDouble(args[5]);
        String signalling = args[6];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err); // only our lines on stdout

        StandaloneClient account = MatrixClients.open(ClientSettings.password(url, user, "pw-" + user,
                dir.resolve("client")).withDeviceId(device).withRegister(true).withTimeouts(5_000, 10_000)
                .withMaxRetries(2));
        MatrixClient client = account.client();
        client.joinRoom(roomId);

        ScheduledThreadPoolExecutor coreThread = new ScheduledThreadPoolExecutor(1);
        SessionService core = new SessionService(InstantSource.system(), coreThread::execute, (task, delay) -> {
            var f = coreThread.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, 64);
        core.addSelection(new OldestMembership());
        Participants participants = new Participants(u -> Optional.of(client), core,
                MembershipConfig.DEFAULTS.withDelay(6_000, 2_000));
        core.addListener(participants::onSessionEvent, null);
        account.addRoomEventSink(core);

        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
        MediaSupervisor media = new MediaSupervisor(new WorkerLaunch(WorkerLaunch.currentJava(),
                List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), cp),
                MediaSupervisor.Settings.defaults());
        media.start();

        FullMeshBackend backend = new FullMeshBackend(media, MeshSettings.DEFAULTS);
        String hubUrl = args.length > 7 ? args[7] : "";
        AtomicReference<Swappable> transport = new AtomicReference<>(
                openTransport(signalling, client, backend, hubUrl));

        Transport fullMesh = new Transport(Transport.FULL_MESH, hubUrl.isEmpty() ? Map.of("signalling", signalling)
                : Map.of("signalling", signalling, "websocket_url", hubUrl));
        Participation participation = participants.join(JoinRequest.roomCall(roomId,
                new Application(Application.M_CALL, Map.of("m.call.intent", "audio")), List.of(fullMesh)));
        participation.addListener((p, status, memberId) -> {
            if (status == ParticipationStatus.CONNECTED) {
                out.println("READY " + memberId);
            }
        });

        AtomicReference<FullMeshConnection> mesh = new AtomicReference<>();
        MeshListener report = new MeshListener() {
            @Override
            public void onPeerState(Member remote, PeerState state) {
                out.println("STATE " + remote.userId() + " " + remote.memberId() + " " + state);
            }

            @Override
            public void onAudio(Member remote, AudioLevel level) {
                out.printf("AUDIO %s %s %.1f %.4f%n", remote.userId(), remote.memberId(), level.frequencyHz(),
                        level.rms());
            }

            @Override
            public void onData(Member remote, String text) {
                out.println("DATA " + remote.userId() + " " + text);
            }

            @Override
            public void onPeerClosed(Member remote, String reason) {
                out.println("CLOSED " + remote.userId() + " " + remote.memberId());
            }
        };
        core.addListener(event -> {
            Session s = event.session();
            if (!s.slotId().equals(SlotId.ROOM_CALL) || event instanceof SessionEvent.SessionEnded) {
                return;
            }
            Optional<Member> self = s.member(participation.memberId()).filter(m -> m.userId().equals(client.userId()));
            FullMeshConnection m = mesh.get();
            if (m != null && m.memberId().equals(participation.memberId())) {
                m.sessionChanged(s);
            } else if (self.isPresent()) {
                if (m != null) {
                    m.close(); // rejoined with a fresh member id
                }
                FullMeshConnection c = (FullMeshConnection) backend.connect(s, self.get(), fullMesh)
                        .toCompletableFuture().join();
                c.addListener(report);
                c.publishTone(tone);
                mesh.set(c);
                out.println("JOINED-MESH " + self.get().memberId());
            }
        }, roomId);

        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                FullMeshConnection m = mesh.get();
                if (line.equals("stats") && m != null) {
                    for (PeerStats st : m.stats()) {
                        out.println("STATS " + st.userId() + " " + st.memberId() + " " + st.state() + " " + st.calls()
                                + " " + st.restarts() + " " + st.firstConnectedMs() + " " + st.messagesSent() + " "
                                + st.messagesReceived());
                    }
                    out.println("STATS-END");
                } else if (line.startsWith("send ") && m != null) {
                    m.broadcast(line.substring(5));
                } else if (line.startsWith("flood ") && m != null) {
                    int count = Integer.parseInt(line.substring(6).trim());
                    for (int i = 0; i < count; i++) {
                        m.broadcast("d" + i);
                    }
                } else if (line.equals("swap")) {
                    // what a bundle update of the transport does: the old service goes, a new one comes
                    Swappable old = transport.get();
                    backend.removeTransport(old.transport());
                    old.close();
                    transport.set(openTransport(signalling, client, backend, hubUrl));
                    out.println("SWAPPED");
                } else if (line.equals("leave")) {
                    break;
                }
            }
        }
        // leave (stdin closed or asked): hang up, leave the call, stop everything
        FullMeshConnection m = mesh.get();
        if (m != null) {
            m.close();
        }
        participation.leave().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        media.close();
        transport.get().close();
        account.close();
        coreThread.shutdownNow();
        out.println("LEFT");
        System.exit(0);
    }
}
