package dev.mxrtc.e2ee.schemes;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme.KeySender;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/**
 * {@code per_member} for one local member, with matrix-js-sdk 43's rules (RTCEncryptionManager.rolloutOutboundKey).
 *
 * <pre>
 *   open ──▶ key 0 made, used at once, sent to every member ──▶ STEADY
 *
 *   STEADY ──membersChanged──▶ rollout:
 *      members ≥ participant limit ──▶ current key to joiners only (no rotation; logged) ──▶ STEADY
 *      someone left (or re-joined)  ──▶ new key, index+1 mod 256, to all current members ─▶ DELAYING
 *      only joiners, key age < grace ──▶ current key to joiners only ──▶ STEADY
 *      only joiners, key age ≥ grace ──▶ new key to all (as for a leave) ──▶ DELAYING
 *   DELAYING ──membersChanged──▶ remember "again" (any number of changes coalesce into one)
 *   DELAYING ──use delay over──▶ use the new key locally; "again"? rollout : STEADY
 *   any ──close──▶ CLOSED (pending delay cancelled, keys forgotten)
 * </pre>
 *
 * Rollouts are serialised: one lock owns the state, and the send happens under it, as js-sdk awaits one rollout
 * before starting the next. A participant is (user, device, member id, created_ts): the same device joining again
 * counts as a leave plus a join, as in js-sdk.
 */
final class PerMemberKeying implements Keying {

    private static final Logger LOG = LoggerFactory.getLogger(PerMemberKeying.class);

    enum State { STEADY, DELAYING, CLOSED }

    private record Participant(String userId, String deviceId, String memberId, long createdTs) {
        static Participant of(Member m) {
            return new Participant(m.userId(), m.deviceId(), m.memberId(), m.createdTs());
        }
    }

    private record Outbound(MediaKey key, long createdTs, Set<Participant> sharedWith) {
    }

    private final PerMemberScheme.Settings settings;
    private final Scheduler scheduler;
    private final SecureRandom random;
    private final Member self;
    private final KeySender sender;
    private final String roomId;
    private final KeyRing ring = new KeyRing();
    private final ReentrantLock lock = new ReentrantLock();

    private State state = State.STEADY;
    private Session session;
    private Outbound outbound;
    private MediaKey inUse;
    private boolean again;
    private boolean suppressed;
    private Runnable pendingUse = () -> { };

    PerMemberKeying(PerMemberScheme.Settings settings, Scheduler scheduler, SecureRandom random, Session session,
            Member self, KeySender sender) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.session = Objects.requireNonNull(session, "session");
        this.self = Objects.requireNonNull(self, "self");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.roomId = session.roomId();
        lock.lock();
        try {
            outbound = new Outbound(newKey(0), scheduler.now(), new HashSet<>());
            use(outbound.key());
            rollout();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void membersChanged(Session changed) {
        lock.lock();
        try {
            session = changed;
            switch (state) {
                case STEADY -> rollout();
                case DELAYING -> again = true;
                case CLOSED -> { }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Holding the lock. */
    private void rollout() {
        List<Participant> current = session.members().stream().filter(m -> !isSelf(m)).map(Participant::of).toList();
        Set<Participant> shared = outbound.sharedWith();
        boolean anyLeft = shared.stream().anyMatch(p -> !current.contains(p));
        List<Participant> joined = current.stream().filter(p -> !shared.contains(p)).toList();
        int size = session.members().size();
        boolean limit = settings.participantLimit() > 0 && size >= settings.participantLimit();
        if (limit != suppressed) {
            suppressed = limit;
            LOG.warn("room {}: {} members, participant limit {}: key rotation {}", roomId, size,
                    settings.participantLimit(), limit ? "stopped (joiners get the current key)" : "resumed");
        }
        boolean rotate;
        if (limit) {
            rotate = false;
        } else if (anyLeft) {
            rotate = true;
        } else if (!joined.isEmpty()) {
            long age = scheduler.now() - outbound.createdTs();
            rotate = age >= settings.gracePeriodMs();
            LOG.debug("room {}: {} joiner(s), key age {} ms: {}", roomId, joined.size(), age,
                    rotate ? "rotating" : "sharing the current key");
        } else {
            return;
        }
        if (rotate) {
            outbound = new Outbound(newKey((outbound.key().index() + 1) % 256), scheduler.now(), new HashSet<>());
            LOG.info("room {}: new media key index {} for {} member(s){}", roomId, outbound.key().index(),
                    current.size(), anyLeft ? " (a member left)" : "");
            send(current);
            state = State.DELAYING;
            MediaKey next = outbound.key();
            pendingUse = scheduler.schedule(() -> useDelayOver(next), settings.useKeyDelayMs());
        } else if (!joined.isEmpty()) {
            send(joined);
        }
    }

    private void send(List<Participant> to) {
        outbound.sharedWith().addAll(to);
        List<Member> members = session.members().stream().filter(m -> to.contains(Participant.of(m))).toList();
        if (!members.isEmpty()) {
            sender.send(members, outbound.key());
        }
    }

    private void useDelayOver(MediaKey next) {
        lock.lock();
        try {
            if (state != State.DELAYING) {
                return;
            }
            use(next);
            state = State.STEADY;
            if (again) {
                again = false;
                rollout();
            }
        } finally {
            lock.unlock();
        }
    }

    private void use(MediaKey key) {
        inUse = key;
        ring.put(self, key);
        LOG.debug("room {}: encrypting with key index {}", roomId, key.index());
    }

    private MediaKey newKey(int index) {
        byte[] bytes = new byte[settings.keyLength()];
        random.nextBytes(bytes);
        try {
            return new MediaKey(index, bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private boolean isSelf(Member m) {
        return m.userId().equals(self.userId()) && m.deviceId().equals(self.deviceId());
    }

    @Override
    public void keyReceived(Member from, MediaKey key) {
        ring.put(from, key);
        LOG.debug("room {}: key index {} of {}/{} stored", roomId, key.index(), from.userId(), from.deviceId());
    }

    @Override
    public Optional<MediaKey> currentKey() {
        lock.lock();
        try {
            return state == State.CLOSED ? Optional.empty() : Optional.ofNullable(inUse);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<MediaKey> keyOf(Member from, int index) {
        return ring.get(from, index);
    }

    State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            state = State.CLOSED;
            pendingUse.run();
            ring.clear();
            inUse = null;
        } finally {
            lock.unlock();
        }
    }
}
