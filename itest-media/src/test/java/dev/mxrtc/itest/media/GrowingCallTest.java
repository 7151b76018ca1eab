package dev.mxrtc.itest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.focus.livekit.MediaSfuDouble;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.CreateRoom;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;
import dev.mxrtc.testsupport.ForkedRuntime;

/**
 * Issue 7 acceptance: a call grows from 2 to 6 members through the {@code full_mesh} → {@code livekit} switch in
 * assembled runtimes. Six real runtimes ({@code bin/mxrtc run}), one member each (a runtime connects one account's
 * member per session here); A serves the embedded homeserver and the LiveKit auth service. Every participation
 * publishes {@code [full_mesh_into_livekit, full_mesh, livekit]} (N = 4).
 *
 * <p><b>Test double:</b> the SFU is {@link MediaSfuDouble} (bundles/focus-livekit test-jar), a protocol-level LiveKit
 * SFU built from LiveKit's own protobuf classes, with its own media worker, running in this JVM; no LiveKit SFU runs on
 * this machine. It verifies the auth service's JWTs with the shared key and secret. It forwards to each subscriber the
 * audio of one other participant only, so through the SFU this test checks what reaches the SFU from every member.
 *
 * <p>Checks: up to 4 members every runtime hears every other tone in mesh ({@code /mxrtc/admin/media}); at the 5th
 * every runtime connects through livekit while its mesh is live and closes the mesh only once connected (runtime
 * logs), and the SFU gets audio from every member; member ids never change. Printed per member: {@code switch media
 * gap}: from the last instant any runtime heard the member's tone in mesh to the first audio of the member at the SFU
 * (0 when the SFU had it first: make-before-break). Logs under target/runs/growing-*.
 */
@Timeout(300)
class GrowingCallTest {

    static final double[] TONES = {330, 440, 550, 660, 770, 880};

    final Path dir = Path.of(System.getProperty("mxrtc.itest.out", System.getProperty("java.io.tmpdir")),
            "growing-" + System.currentTimeMillis());
    final List<RuntimeNode> nodes = new ArrayList<>();
    MediaSfuDouble sfu;
    StandaloneClient host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void callGrowsFromTwoToSixThroughTheSwitchWithoutLosingAMembership() throws Exception {
        long t0 = System.nanoTime();
        sfu = MediaSfuDouble.start();
        int hubPort = ForkedRuntime.freePort();
        RuntimeNode a = RuntimeNode.create(RuntimeFullMeshTest.DIST, dir, "a", TONES[0], "", hubPort);
        nodes.add(a);
        for (int i = 1; i < TONES.length; i++) {
            nodes.add(RuntimeNode.create(RuntimeFullMeshTest.DIST, dir, String.valueOf((char) ('a' + i)), TONES[i],
                    a.base(), hubPort));
        }
        a.write("etc/dev.mxrtc.livekit.auth.cfg", ("livekit_url = " + sfu.url() + "\nlivekit_key = "
                + MediaSfuDouble.API_KEY + "\nlivekit_secret = " + MediaSfuDouble.API_SECRET
                // not the runtimes' server: the double has no room service to create rooms with
                + "\nfull_access_homeservers = example.org\nfederation_url_overrides = localhost=" + a.base() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (RuntimeNode n : nodes) {
            n.write("etc/dev.mxrtc.focus.livekit.cfg", ("toneHz = " + n.toneHz + "\n").getBytes(StandardCharsets.UTF_8));
            n.start();
        }
        RuntimeFullMeshTest.await(150_000, "six runtimes healthy", () -> nodes.stream().allMatch(n -> n.admin("/health")
                .map(h -> h.path("status").asText().equals("ok")).orElse(false)));
        System.out.println("growing: 6 runtimes and the SFU double up after " + RuntimeFullMeshTest.ms(t0) + " ms");

        host = MatrixClients.open(ClientSettings.password(a.base(), "host", "pw-host", dir.resolve("host"))
                .withDeviceId("HOSTDEV").withRegister(true).withTimeouts(1_000, 10_000).withMaxRetries(2));
        String room = host.client().createRoom(new CreateRoom(Optional.of(CreateRoom.Preset.PUBLIC_CHAT),
                Optional.of("growing call"), Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), false));
        byte[] join = ("room = " + room + "\nslot = m.call#ROOM\ntransports = [{\"type\":\"full_mesh_into_livekit\"},"
                + "{\"type\":\"full_mesh\",\"signalling\":\"to_device\"},{\"type\":\"livekit\",\"livekit_service_url\":\""
                + a.base() + "/livekit/jwt\"}]\nformat = STICKY_UNSTABLE\n"
                + "application.fields = {\"m.call.intent\":\"audio\"}\n").getBytes(StandardCharsets.UTF_8);

        // 2, 3, 4 members: full mesh, everyone hears everyone
        Map<String, String> ids = new HashMap<>();
        for (int k = 2; k <= 4; k++) {
            long at = System.nanoTime();
            for (int i = k == 2 ? 0 : k - 1; i < k; i++) {
                nodes.get(i).write("etc/dev.mxrtc.membership.join-grow.cfg", join);
            }
            List<RuntimeNode> in = nodes.subList(0, k);
            RuntimeFullMeshTest.await(120_000, k + " members meshed, every tone heard", () -> meshHears(in));
            System.out.println("growing: " + k + " members in mesh, every tone heard, " + RuntimeFullMeshTest.ms(at)
                    + " ms after the join file");
            ids.putAll(a.members(room));
            assertEquals(k, a.members(room).size(), a.members(room).toString());
        }
        Map<String, String> before = a.members(room);

        // the 5th member: everyone moves to the SFU, make-before-break
        // one poller thread per runtime reads only /media, so a slow log read or another runtime's answer never
        // widens the window in which a mesh's last audio could be missed; each poll's interval is kept
        Map<String, Long> lastMesh = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong widestPoll = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean polling = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<RuntimeNode> five = nodes.subList(0, 5);
        List<Thread> pollers = new ArrayList<>();
        for (RuntimeNode n : five.subList(0, 4)) {
            pollers.add(Thread.ofPlatform().daemon().name("mesh-poll-" + n.name).start(() -> {
                long prev = System.nanoTime();
                while (polling.get()) {
                    recordMesh(n, lastMesh);
                    long now = System.nanoTime();
                    widestPoll.accumulateAndGet(now - prev, Math::max);
                    prev = now;
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        long switchAt = System.nanoTime();
        nodes.get(4).write("etc/dev.mxrtc.membership.join-grow.cfg", join);
        try {
            RuntimeFullMeshTest.await(120_000, "five members on the SFU, meshes closed, audio of each at the SFU",
                    () -> five.stream().allMatch(n -> n.log().contains("connected through livekit")
                            && n.mesh().map(m -> m.path("connections").isEmpty()).orElse(false))
                            && identities(a, room).values().stream().allMatch(id -> sfu.firstAudioAt(id).isPresent()));
        } finally {
            polling.set(false);
            for (Thread t : pollers) {
                t.join(10_000);
            }
        }
        long allOn = RuntimeFullMeshTest.ms(switchAt);
        System.out.println("switch: widest interval between two /media polls of one runtime "
                + widestPoll.get() / 1_000_000 + " ms (the resolution of 'last heard in mesh')");
        Map<String, String> identity = identities(a, room);
        long worst = 0;
        for (int i = 0; i < 4; i++) {
            RuntimeNode n = nodes.get(i);
            String log = n.log();
            int connecting = log.indexOf("(livekit), live on full_mesh");
            int connected = log.indexOf("connected through livekit");
            int closing = log.indexOf("closing the previous connection through full_mesh");
            assertTrue(connecting >= 0 && connecting < connected && connected < closing,
                    n.name + ": livekit connected while the mesh was live, mesh closed after (" + connecting + ", "
                            + connected + ", " + closing + ")");
            long first = sfu.firstAudioAt(identity.get(n.userId)).orElseThrow();
            Long last = lastMesh.get(n.userId);
            long gap = last == null ? -1 : Math.max(0, (first - last) / 1_000_000);
            worst = Math.max(worst, gap);
            System.out.println("switch media gap " + n.userId + " " + gap + " ms (last heard in mesh "
                    + (last == null ? "?" : (last - switchAt) / 1_000_000) + " ms, first audio at the SFU "
                    + (first - switchAt) / 1_000_000 + " ms after the 5th join file)");
        }
        System.out.println("switch: whole call on the SFU with meshes closed " + allOn + " ms after the 5th join file;"
                + " worst member gap " + worst + " ms; media worker restarts meanwhile: SFU double "
                + sfu.workerRestarts() + ", runtimes " + workerRestarts());
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertEquals(e.getValue(), a.members(room).get(e.getKey()), e.getKey() + " kept its member id");
        }

        // the 6th member joins the SFU call
        long sixAt = System.nanoTime();
        nodes.get(5).write("etc/dev.mxrtc.membership.join-grow.cfg", join);
        RuntimeFullMeshTest.await(90_000, "six members, the 6th's audio at the SFU", () -> {
            Map<String, String> ids6 = identities(a, room);
            return ids6.size() == 6 && ids6.values().stream().allMatch(id -> sfu.firstAudioAt(id).isPresent());
        });
        System.out.println("growing: 6th member's audio at the SFU " + RuntimeFullMeshTest.ms(sixAt) + " ms after its"
                + " join file");
        Map<String, String> after = a.members(room);
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " kept its member id to the end");
        }
        for (RuntimeNode n : nodes) {
            assertEquals(after, n.members(room), n.name + " sees the same six members");
        }
        Set<String> connected = sfu.connectedIdentities();
        assertTrue(connected.containsAll(identities(a, room).values()), "all six connected to the SFU: " + connected);
        System.out.println("growing: SFU double worker restarts " + sfu.workerRestarts() + ", runtimes' worker restarts "
                + workerRestarts() + ", SFU double problems " + sfu.problems());
    }

    /** Media worker restarts per runtime (supervisor log lines), for reading the figures: a restart is a gap. */
    Map<String, Integer> workerRestarts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (RuntimeNode n : nodes) {
            out.put(n.name, n.log().split("ready after restart", -1).length - 1);
        }
        return out;
    }

    /** Every node in {@code in} has a mesh link to each other and hears its tone (±5 Hz, RMS &gt; 0.02, &lt; 1.5 s old). */
    static boolean meshHears(List<RuntimeNode> in) {
        for (RuntimeNode n : in) {
            List<JsonNode> peers = n.peers();
            if (peers.size() != in.size() - 1) {
                return false;
            }
            for (JsonNode p : peers) {
                Optional<RuntimeNode> from = in.stream().filter(o -> o.userId.equals(p.path("user_id").asText()))
                        .findFirst();
                JsonNode audio = p.path("audio");
                if (from.isEmpty() || !p.path("state").asText().equals("connected")
                        || Math.abs(audio.path("hz").asDouble() - from.get().toneHz) > 5
                        || audio.path("rms").asDouble() < 0.02 || audio.path("age_ms").asLong() > 1_500) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The last instant (nanoTime) any runtime heard each user's tone over its mesh, from {@code n}'s view. */
    static void recordMesh(RuntimeNode n, Map<String, Long> lastMesh) {
        long now = System.nanoTime();
        for (JsonNode p : n.peers()) {
            JsonNode audio = p.path("audio");
            if (audio.path("rms").asDouble() > 0.02 && !audio.path("age_ms").isMissingNode()) {
                lastMesh.merge(p.path("user_id").asText(), now - audio.path("age_ms").asLong() * 1_000_000, Math::max);
            }
        }
    }

    /** The LiveKit identity (MSC4195 hash) of each member by user, from the runtime's /sessions. */
    static Map<String, String> identities(RuntimeNode n, String room) {
        Map<String, String> out = new HashMap<>();
        n.admin("/sessions").ifPresent(s -> s.path("sessions").forEach(session -> {
            if (session.path("room_id").asText().equals(room)) {
                session.path("members").forEach(m -> out.put(m.path("user_id").asText(), Member.hashedIdentity(
                        m.path("user_id").asText(), m.path("device_id").asText(), m.path("member_id").asText())));
            }
        }));
        return out;
    }
}
