package dev.mxrtc.e2ee.schemes;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme.KeySender;
import dev.mxrtc.api.spi.EncryptionScheme.Keying;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/**
 * {@code per_sender_ratchet} for one local member (design and threat analysis: docs/e2ee.md).
 *
 * <pre>
 *   open ──▶ own key 0 (random), used at once, sent to every member; set := member ids
 *
 *   membersChanged(set') with set' ≠ set:
 *     someone left ──▶ own key := fresh random at index+1, sent to the remaining members;
 *                      others' chains wait for their fresh keys (a leaver could compute any ratchet step)
 *     only joiners ──▶ salt := H(sorted ids of set'); every chain of a member already in set advances one step
 *                      (own included, no traffic); own advanced key sent to the joiners only
 *     then         ──▶ USE-DELAY (restarted by every change) ──▶ encrypt with the own chain's head
 *   keyReceived(m, k) ──▶ k becomes m's chain head (and stays in the ring under its index)
 *   close ──▶ CLOSED
 * </pre>
 *
 * Advancing happens at the change itself, never delayed or coalesced, because every member must apply the same
 * steps; only the switch to the own new key waits. One lock owns the state.
 */
final class PerSenderRatchetKeying implements Keying {

    private static final Logger LOG = LoggerFactory.getLogger(PerSenderRatchetKeying.class);

    private final long useKeyDelayMs;
    private final int keyLength;
    private final Scheduler scheduler;
    private final SecureRandom random;
    private final Member self;
    private final KeySender sender;
    private final String roomId;
    private final KeyRing ring = new KeyRing();
    private final ReentrantLock lock = new ReentrantLock();
    /** member id → the newest key of that sender's chain (own included). */
    private final Map<String, MediaKey> heads = new HashMap<>();
    private final Map<String, Member> byId = new HashMap<>();
    private Set<String> ids;
    private MediaKey inUse;
    private boolean closed;
    private Runnable pendingUse = () -> { };

    PerSenderRatchetKeying(long useKeyDelayMs, int keyLength, Scheduler scheduler, SecureRandom random,
            Session session, Member self, KeySender sender) {
        this.useKeyDelayMs = useKeyDelayMs;
        this.keyLength = keyLength;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.self = Objects.requireNonNull(self, "self");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.roomId = session.roomId();
        lock.lock();
        try {
            remember(session);
            ids = idsOf(session);
            MediaKey first = fresh(0);
            heads.put(self.memberId(), first);
            ring.put(self, first);
            inUse = first;
            List<Member> others = others(session);
            if (!others.isEmpty()) {
                sender.send(others, first);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void membersChanged(Session session) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            remember(session);
            Set<String> next = idsOf(session);
            Set<String> left = new HashSet<>(ids);
            left.removeAll(next);
            Set<String> joined = new HashSet<>(next);
            joined.removeAll(ids);
            if (left.isEmpty() && joined.isEmpty()) {
                return;
            }
            MediaKey own;
            if (!left.isEmpty()) {
                own = fresh((heads.get(self.memberId()).index() + 1) % 256);
                heads.put(self.memberId(), own);
                ring.put(self, own);
                LOG.info("room {}: {} member(s) left: fresh own key index {}", roomId, left.size(), own.index());
                List<Member> others = others(session);
                if (!others.isEmpty()) {
                    sender.send(others, own);
                }
            } else {
                byte[] salt = RatchetKdf.salt(next);
                for (String id : ids) {
                    MediaKey head = heads.get(id);
                    if (head != null) {
                        MediaKey advanced = RatchetKdf.advance(head, salt, id);
                        heads.put(id, advanced);
                        Member m = byId.get(id);
                        if (m != null) {
                            ring.put(m, advanced);
                        }
                    }
                }
                own = heads.get(self.memberId());
                LOG.debug("room {}: {} joiner(s): chains advanced, own key index {}", roomId, joined.size(), own.index());
                List<Member> joiners = session.members().stream().filter(m -> joined.contains(m.memberId())).toList();
                sender.send(joiners, own);
            }
            ids = next;
            pendingUse.run();
            MediaKey use = own;
            pendingUse = scheduler.schedule(() -> use(use), useKeyDelayMs);
        } finally {
            lock.unlock();
        }
    }

    private void use(MediaKey key) {
        lock.lock();
        try {
            if (!closed) {
                inUse = key;
                LOG.debug("room {}: encrypting with key index {}", roomId, key.index());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void keyReceived(Member from, MediaKey key) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            byId.put(from.memberId(), from);
            heads.put(from.memberId(), key);
            ring.put(from, key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<MediaKey> currentKey() {
        lock.lock();
        try {
            return closed ? Optional.empty() : Optional.of(inUse);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<MediaKey> keyOf(Member from, int index) {
        return ring.get(from, index);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            pendingUse.run();
            heads.clear();
            ring.clear();
        } finally {
            lock.unlock();
        }
    }

    private void remember(Session session) {
        session.members().forEach(m -> byId.put(m.memberId(), m));
    }

    private Set<String> idsOf(Session session) {
        return session.members().stream().map(Member::memberId).collect(Collectors.toSet());
    }

    private List<Member> others(Session session) {
        return session.members().stream()
                .filter(m -> !(m.userId().equals(self.userId()) && m.deviceId().equals(self.deviceId()))).toList();
    }

    private MediaKey fresh(int index) {
        byte[] bytes = new byte[keyLength];
        random.nextBytes(bytes);
        try {
            return new MediaKey(index, bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }
}
