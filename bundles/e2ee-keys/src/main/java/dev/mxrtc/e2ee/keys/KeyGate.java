package dev.mxrtc.e2ee.keys;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.KeyFormat;
import dev.mxrtc.e2ee.KeySink;
import dev.mxrtc.e2ee.ReceivedKey;

/**
 * The receive-side rules for one local member's session: a key reaches the scheme only when its authenticated
 * sender (user + device) is a current member of the session.
 *
 * <pre>
 *   received ──▶ wrong room? ──▶ drop WRONG_ROOM
 *            ──▶ older sent_ts than the stored key of (user, device, member, index)? ──▶ drop OUTDATED
 *            ──▶ sender is a member ──▶ deliver(member, key)
 *            ──▶ not (yet) a member ──▶ BUFFERED ──(membersChanged: now a member)──▶ deliver
 *                                               ──(older than expiryMs)──▶ drop NOT_A_MEMBER
 *                                               ──(buffer full)──▶ drop BUFFER_FULL
 * </pre>
 *
 * For MSC4143 keys the content's {@code member_id} must name a member whose user and device are the authenticated
 * ones; matrix-js-sdk 43 keys are matched on user + device, as js-sdk does. One lock owns the state; delivery happens
 * outside it.
 */
final class KeyGate implements KeySink {

    private static final Logger LOG = LoggerFactory.getLogger(KeyGate.class);

    private record Pending(ReceivedKey key, long receivedAt) {
    }

    private final String roomId;
    private final Clock clock;
    private final int maxBuffered;
    private final long expiryMs;
    private final BiConsumer<Member, MediaKey> deliver;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Pending> buffer = new ArrayDeque<>();
    private final Map<String, Long> newestSentTs = new HashMap<>();
    private final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
    private List<Member> members = List.of();

    KeyGate(String roomId, Clock clock, int maxBuffered, long expiryMs, BiConsumer<Member, MediaKey> deliver) {
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxBuffered = maxBuffered;
        this.expiryMs = expiryMs;
        this.deliver = Objects.requireNonNull(deliver, "deliver");
    }

    /** The session's members changed: buffered keys whose sender is now a member are delivered. */
    void membersChanged(Session session) {
        List<Map.Entry<Member, MediaKey>> out = new ArrayList<>();
        lock.lock();
        try {
            members = List.copyOf(session.members());
            expireLocked();
            for (Iterator<Pending> it = buffer.iterator(); it.hasNext();) {
                Pending p = it.next();
                Optional<Member> m = match(p.key());
                if (m.isPresent()) {
                    it.remove();
                    out.add(Map.entry(m.get(), p.key().key()));
                }
            }
        } finally {
            lock.unlock();
        }
        out.forEach(e -> deliver.accept(e.getKey(), e.getValue()));
    }

    /** Drops buffered keys older than the expiry (also done on every receipt and membership change). */
    void expire() {
        lock.lock();
        try {
            expireLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void received(ReceivedKey key) {
        if (!roomId.equals(key.roomId())) {
            dropped(key.roomId(), key.userId(), DropReason.WRONG_ROOM, "key for room " + key.roomId());
            return;
        }
        Optional<Member> member;
        DropReason refused = null;
        lock.lock();
        try {
            expireLocked();
            String id = key.userId() + "|" + key.deviceId() + "|" + key.memberId().orElse("") + "|" + key.key().index();
            Long newest = newestSentTs.get(id);
            member = match(key);
            if (newest != null && newest > key.sentTs()) {
                refused = DropReason.OUTDATED;
            } else if (member.isEmpty() && impersonates(key)) {
                refused = DropReason.UNAUTHENTICATED_DEVICE;
            } else if (member.isEmpty() && buffer.size() >= maxBuffered) {
                refused = DropReason.BUFFER_FULL;
            } else {
                newestSentTs.put(id, key.sentTs());
                if (member.isEmpty()) {
                    buffer.addLast(new Pending(key, clock.millis()));
                    LOG.debug("room {}: key index {} from {}/{} buffered until its membership appears", roomId,
                            key.key().index(), key.userId(), key.deviceId());
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            dropped(roomId, key.userId(), refused, "index " + key.key().index() + " from device " + key.deviceId()
                    + ", member " + key.memberId().orElse("-"));
        } else {
            deliver.accept(member.get(), key.key());
        }
    }

    @Override
    public void dropped(String room, String sender, DropReason reason, String detail) {
        lock.lock();
        try {
            drops.merge(reason, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        LOG.warn("room {}: media key from {} dropped: {} ({})", room.isEmpty() ? roomId : room, sender, reason, detail);
    }

    /** @return how many keys were dropped per reason, for metrics and tests */
    Map<DropReason, Integer> drops() {
        lock.lock();
        try {
            return Map.copyOf(drops);
        } finally {
            lock.unlock();
        }
    }

    int buffered() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    private Optional<Member> match(ReceivedKey key) {
        if (key.format() == KeyFormat.MSC4143_TO_DEVICE) {
            String memberId = key.memberId().orElse("");
            return members.stream().filter(m -> m.memberId().equals(memberId) && m.userId().equals(key.userId())
                    && m.deviceId().equals(key.deviceId())).findFirst();
        }
        List<Member> byDevice = members.stream()
                .filter(m -> m.userId().equals(key.userId()) && m.deviceId().equals(key.deviceId())).toList();
        return byDevice.stream().filter(m -> key.memberId().map(m.memberId()::equals).orElse(false)).findFirst()
                .or(() -> byDevice.stream().reduce((a, b) -> b)); // js-sdk: user + device; the latest join wins
    }

    /** An MSC4143 key naming a current member id of another user or device: never buffered, dropped at once. */
    private boolean impersonates(ReceivedKey key) {
        return key.format() == KeyFormat.MSC4143_TO_DEVICE && members.stream().anyMatch(
                m -> m.memberId().equals(key.memberId().orElse(""))
                        && !(m.userId().equals(key.userId()) && m.deviceId().equals(key.deviceId())));
    }

    private void expireLocked() {
        long now = clock.millis();
        while (!buffer.isEmpty() && now - buffer.peekFirst().receivedAt() >= expiryMs) {
            Pending p = buffer.removeFirst();
            drops.merge(DropReason.NOT_A_MEMBER, 1, Integer::sum);
            LOG.warn("room {}: media key from {} dropped: {} (device {} is no member after {} ms)", roomId,
                    p.key().userId(), DropReason.NOT_A_MEMBER, p.key().deviceId(), expiryMs);
        }
    }
}
