package dev.mxrtc.membership.manager;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SessionEvent;
import dev.mxrtc.api.Transport;
import dev.mxrtc.matrix.MatrixClient;
import dev.mxrtc.matrix.MatrixException;
import dev.mxrtc.matrix.Versions;
import dev.mxrtc.membership.JoinRequest;
import dev.mxrtc.membership.MembershipFormat;
import dev.mxrtc.membership.Participation;
import dev.mxrtc.membership.ParticipationStatus;
import dev.mxrtc.membership.RtcParticipants;

/**
 * The participant service without OSGi: resolves the account and the wire format of a join, starts a
 * {@link MembershipManager} on its own actor thread, and routes session changes to the live participations.
 */
public final class Participants implements RtcParticipants {

    private static final Logger LOG = LoggerFactory.getLogger(Participants.class);

    private final Function<Optional<String>, Optional<MatrixClient>> clients;
    private final RtcSessions sessions;
    private final MembershipConfig config;
    private final Set<MembershipManager> live = ConcurrentHashMap.newKeySet();

    /**
     * @param clients the Matrix client of a user id (empty: the only one), if there is one
     * @param sessions the computed sessions, to follow the room's format
     */
    public Participants(Function<Optional<String>, Optional<MatrixClient>> clients, RtcSessions sessions,
            MembershipConfig config) {
        this.clients = clients;
        this.sessions = sessions;
        this.config = config;
    }

    @Override
    public Participation join(JoinRequest request) {
        MatrixClient client = clients.apply(request.userId()).orElseThrow(() -> new IllegalArgumentException(
                "no Matrix account " + request.userId().orElse("(any)")));
        Versions versions = client.versions();
        MembershipFormat format = resolve(request, versions);
        String user = client.userId();
        String device = client.deviceId();
        List<String> canSubscribe = request.canSubscribe().isEmpty()
                ? request.transports().stream().map(Transport::type).distinct().toList()
                : request.canSubscribe();
        ThreadActor actor = new ThreadActor("mxrtc-membership-" + request.roomId() + "-" + request.slotId());
        MembershipManager m = new MembershipManager(client, actor, request.roomId(), request.slotId(),
                () -> wire(client, request, format, user, device), format, versions.supportsDelayedEvents(), config,
                request.application(), request.transports(), canSubscribe);
        live.add(m);
        m.addListener((p, status, member) -> {
            if (status == ParticipationStatus.DISCONNECTED) {
                live.remove(m);
            }
        });
        m.start();
        return m;
    }

    /** Routes a change of the computed sessions to the participations in its slot. Any thread. */
    public void onSessionEvent(SessionEvent event) {
        for (MembershipManager m : live) {
            m.onSessionEvent(event);
        }
    }

    /** Leaves every live participation and waits (bounded) for the leaves to be written. */
    public void leaveAll(long timeoutMs) {
        List<CompletableFuture<Void>> leaves = new ArrayList<>();
        for (MembershipManager m : live) {
            leaves.add(m.leave().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new)).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("not every participation left within {} ms: {}", timeoutMs, e.toString());
        }
    }

    /** @return the live participations */
    public List<Participation> participations() {
        return List.copyOf(live);
    }

    private MembershipFormat resolve(JoinRequest request, Versions versions) {
        return switch (request.format()) {
            case LEGACY, STICKY_UNSTABLE, STICKY_STABLE -> request.format();
            case AUTO -> {
                boolean roomIsSticky = sessions.session(request.roomId(), request.slotId())
                        .map(s -> s.members().stream().anyMatch(mem -> mem.format() == MemberFormat.STICKY))
                        .orElse(false);
                yield roomIsSticky && versions.supportsStickyEvents() ? MembershipFormat.STICKY_UNSTABLE
                        : MembershipFormat.LEGACY;
            }
        };
    }

    private MemberWire wire(MatrixClient client, JoinRequest r, MembershipFormat format, String user, String device) {
        return switch (format) {
            case LEGACY -> new MemberWire.Legacy(r.roomId(), r.slotId(), user, device,
                    !MemberWire.ownedStateRoomVersion(roomVersion(client, r.roomId())));
            case STICKY_UNSTABLE -> new MemberWire.Sticky(r.roomId(), r.slotId(), user, device,
                    MemberWire.STICKY_UNSTABLE_TYPE, config.stickyDurationMs());
            case STICKY_STABLE -> new MemberWire.Sticky(r.roomId(), r.slotId(), user, device,
                    MemberWire.STICKY_STABLE_TYPE, config.stickyDurationMs());
            case AUTO -> throw new IllegalStateException("AUTO is resolved before");
        };
    }

    private static Optional<String> roomVersion(MatrixClient client, String roomId) {
        try {
            Optional<String> create = client.stateEvent(roomId, "m.room.create", "");
            if (create.isEmpty()) {
                return Optional.empty();
            }
            JsonNode n = MemberWire.JSON.readTree(create.get());
            return Optional.of(n.path("room_version").asText("1"));
        } catch (MatrixException | java.io.IOException e) {
            LOG.debug("room {}: room version unknown ({}); using the '_' state key prefix", roomId, e.toString());
            return Optional.empty();
        }
    }
}
