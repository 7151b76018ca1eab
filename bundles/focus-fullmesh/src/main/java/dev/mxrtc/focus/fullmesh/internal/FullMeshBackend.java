package dev.mxrtc.focus.fullmesh.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.api.spi.SignallingTransport;
import dev.mxrtc.focus.fullmesh.FullMeshConnection;
import dev.mxrtc.media.MediaEngine;
import dev.mxrtc.media.VideoPattern;
import dev.mxrtc.media.WorkerStatus;

/**
 * The {@code full_mesh} focus backend without OSGi (the DS component wraps it): connects local members to their
 * sessions' meshes and routes received call events to the mesh of their {@code dest_session_id}. Signalling
 * transports come and go at runtime; a mesh looks its transport up by type for every message, so replacing the
 * transport bundle does not touch established peer connections.
 */
public final class FullMeshBackend implements FocusBackend, SignallingTransport.Receiver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FullMeshBackend.class);

    /**
     * What every new mesh publishes until an application says otherwise: a tone (0 Hz: nothing) or, with
     * {@code echo}, each peer's own audio back to it.
     */
    public record DefaultAudio(double toneHz, boolean echo) {
        public static final DefaultAudio NONE = new DefaultAudio(0, false);

        public DefaultAudio {
            if (!(toneHz >= 0 && toneHz <= 20_000)) {
                throw new IllegalArgumentException("tone must be within 0..20000 Hz: " + toneHz);
            }
        }
    }

    private final MediaEngine engine;
    private final MeshSettings settings;
    private final DefaultAudio defaultAudio;
    private final Optional<VideoPattern> defaultVideo;
    private final Function<String, Actor> actors;
    private final List<SignallingTransport> transports = new CopyOnWriteArrayList<>();
    /** live meshes by local member id */
    private final Map<String, MeshSession> meshes = new ConcurrentHashMap<>();

    public FullMeshBackend(MediaEngine engine, MeshSettings settings) {
        this(engine, settings, DefaultAudio.NONE);
    }

    public FullMeshBackend(MediaEngine engine, MeshSettings settings, DefaultAudio defaultAudio) {
        this(engine, settings, defaultAudio, ThreadActor::new);
    }

    FullMeshBackend(MediaEngine engine, MeshSettings settings, Function<String, Actor> actors) {
        this(engine, settings, DefaultAudio.NONE, actors);
    }

    FullMeshBackend(MediaEngine engine, MeshSettings settings, DefaultAudio defaultAudio,
            Function<String, Actor> actors) {
        this(engine, settings, defaultAudio, Optional.empty(), actors);
    }

    /**
     * @param defaultVideo what every new mesh publishes from its first peer on (its first offers carry video), if
     *        anything
     */
    public FullMeshBackend(MediaEngine engine, MeshSettings settings, DefaultAudio defaultAudio,
            Optional<VideoPattern> defaultVideo) {
        this(engine, settings, defaultAudio, defaultVideo, ThreadActor::new);
    }

    FullMeshBackend(MediaEngine engine, MeshSettings settings, DefaultAudio defaultAudio,
            Optional<VideoPattern> defaultVideo, Function<String, Actor> actors) {
        this.engine = engine;
        this.settings = settings;
        this.defaultAudio = defaultAudio;
        this.defaultVideo = defaultVideo;
        this.actors = actors;
    }

    /** A signalling transport arrived; the latest of a type is used. */
    public void addTransport(SignallingTransport t) {
        transports.add(0, t);
        LOG.info("signalling transport {} available", t.type());
    }

    public void removeTransport(SignallingTransport t) {
        transports.remove(t);
        LOG.info("signalling transport {} gone", t.type());
    }

    Optional<SignallingTransport> transport(String type) {
        return transports.stream().filter(t -> t.type().equals(type)).findFirst();
    }

    @Override
    public String transportType() {
        return Transport.FULL_MESH;
    }

    @Override
    public CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport) {
        if (!Transport.FULL_MESH.equals(transport.type())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a full_mesh transport: "
                    + transport.type()));
        }
        MeshSession mesh = new MeshSession(actors.apply("mxrtc-fullmesh-" + self.memberId()), settings, engine, session,
                self, transport, this::transport, m -> meshes.remove(self.memberId(), m), defaultVideo);
        MeshSession before = meshes.put(self.memberId(), mesh);
        if (before != null) {
            before.close();
        }
        mesh.start();
        if (defaultAudio.echo()) {
            mesh.publishEcho();
        } else if (defaultAudio.toneHz() > 0) {
            mesh.publishTone(defaultAudio.toneHz());
        }
        return CompletableFuture.completedFuture(mesh);
    }

    /** @return the live mesh of a local member, if connected */
    public Optional<FullMeshConnection> mesh(String memberId) {
        return Optional.ofNullable(meshes.get(memberId));
    }

    @Override
    public void onMessage(String transportType, SignallingTransport.Peer from, SignallingTransport.Message message) {
        if (!CallWire.TYPES.contains(message.type())) {
            return;
        }
        switch (CallWire.decode(message)) {
            case CallWire.Parsed.Invalid bad -> LOG.info("ignoring a malformed {} over {} from {}: {}", message.type(),
                    transportType, from.userId(), bad.reason());
            case CallWire.Parsed.Ok ok -> {
                MeshSession mesh = meshes.get(ok.signal().env().destSessionId());
                if (mesh == null) {
                    LOG.info("ignoring {} over {} from {}: for member {}, not a local member in a mesh",
                            message.type(), transportType, from.userId(), ok.signal().env().destSessionId());
                } else {
                    mesh.onSignal(transportType, from, ok.signal());
                }
            }
        }
    }

    /**
     * For operators (the admin console's {@code GET /media}): the media worker (running, pid, restarts) and every live
     * mesh with its peers: state, call, restarts, received audio (level, frequency, age) and video (size, fps, colour,
     * age). A mesh that does not answer
     * within {@code meshTimeoutMs} is listed with an {@code error}.
     */
    public Map<String, Object> status(long meshTimeoutMs) {
        return status(mesh -> mesh.status(meshTimeoutMs));
    }

    /** @param meshStatus how to read one mesh (tests read it on their hand-driven actor) */
    Map<String, Object> status(Function<MeshSession, Map<String, Object>> meshStatus) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transport_type", Transport.FULL_MESH);
        WorkerStatus w = engine.status();
        Map<String, Object> worker = new LinkedHashMap<>();
        worker.put("running", w.running());
        worker.put("pid", w.pid());
        worker.put("restarts", w.restarts());
        m.put("media_worker", worker);
        m.put("default_audio", defaultAudio.echo() ? "echo"
                : defaultAudio.toneHz() > 0 ? "tone " + defaultAudio.toneHz() + " Hz" : "none");
        m.put("default_video", defaultVideo.map(Published::describe).orElse("none"));
        m.put("connections", meshes.values().stream().map(mesh -> {
            try {
                return meshStatus.apply(mesh);
            } catch (IllegalStateException e) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("member_id", mesh.memberId());
                err.put("error", e.getMessage());
                return err;
            }
        }).toList());
        return m;
    }

    /** Closes every mesh (each hangs up on its peers), waiting up to 2 s for the hangups to go out. */
    @Override
    public void close() {
        close(2_000);
    }

    /**
     * Closes every mesh and waits up to {@code waitMs} until each has handed its hangups to the transport: the DS
     * component unbinds the transports right after it is deactivated, and hangups queued behind that were lost (seen
     * when a runtime's focus was reconfigured: its peers noticed only when ICE timed out, ~10 s later).
     */
    void close(long waitMs) {
        List<CompletableFuture<Void>> done = meshes.values().stream().map(MeshSession::closeAndWait).toList();
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} full mesh(es) did not close within {} ms; their hangups may not go out", done.stream()
                    .filter(f -> !f.isDone()).count(), waitMs);
        }
    }
}
