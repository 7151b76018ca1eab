package dev.mxrtc.frame.impl;

import dev.mxrtc.frame.CipherSuite;
import dev.mxrtc.frame.FrameResult;
import dev.mxrtc.frame.FrameResult.Reason;
import dev.mxrtc.frame.KeyMaterial;
import dev.mxrtc.frame.SFrameContext;
import dev.mxrtc.frame.SFrameHeader;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 9605 SFrame context. All state (keys by KID, send counters, replay windows, sender-key chains, the JDK
 * cipher) is guarded by one lock. Logs KIDs, never keys.
 *
 * <pre>
 * decrypt:  parse header ──bad──▶ MALFORMED
 *              │
 *           key for KID? ──no──▶ sender chain of KID's generation? ──no──▶ UNKNOWN_KEY
 *              │ yes                     │ yes: ratchet forward to KID's step (trial, not kept yet)
 *           replay window fresh? ──no──▶ REPLAYED
 *              │ yes
 *           AEAD open ──tag fails──▶ AUTHENTICATION_FAILED (trial key dropped)
 *              │ ok: window.accept(CTR); trial key committed, chain pruned to 2 steps
 *           Decrypted
 * </pre>
 */
public final class DefaultSFrameContext implements SFrameContext {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultSFrameContext.class);
    private static final byte[] NO_METADATA = new byte[0];

    private final CipherSuite suite;
    private final int replayWindow;
    private final SFrameAead aead;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, KeyState> keys = new HashMap<>();
    private final Map<Long, SenderChain> chains = new HashMap<>();
    private final byte[] nonce;
    private final byte[] headerBuf = new byte[SFrameHeader.MAX_LENGTH];

    public DefaultSFrameContext(CipherSuite suite, int replayWindow) {
        if (suite == null) {
            throw new IllegalArgumentException("suite required");
        }
        if (replayWindow < 0 || replayWindow > 1 << 16) {
            throw new IllegalArgumentException("replay window must be 0–65536");
        }
        this.suite = suite;
        this.replayWindow = replayWindow;
        this.aead = SFrameAead.of(suite);
        this.nonce = new byte[suite.nonceLength()];
    }

    /** Per-KID state. */
    private static final class KeyState {
        final SFrameAead.Key key;
        final byte[] salt;
        final ReplayWindow window;
        long nextCtr;
        boolean exhausted;

        KeyState(SFrameAead.Key key, byte[] salt, int window) {
            this.key = key;
            this.salt = salt;
            this.window = new ReplayWindow(window);
        }

        void destroy() {
            key.destroy();
            Arrays.fill(salt, (byte) 0);
        }
    }

    /** §5.1 sender key of one generation: the newest step's base key and the KIDs still kept. */
    private static final class SenderChain {
        final long generation;
        final int ratchetBits;
        long step;
        byte[] baseKey;
        final ArrayDeque<Long> liveKids = new ArrayDeque<>();

        SenderChain(long generation, int ratchetBits, byte[] baseKey) {
            this.generation = generation;
            this.ratchetBits = ratchetBits;
            this.baseKey = baseKey;
        }

        long kid(long s) {
            long mask = ratchetBits == 0 ? 0 : (1L << ratchetBits) - 1;
            return (generation << ratchetBits) + (s & mask);
        }

        boolean owns(long kid) {
            return (kid >>> ratchetBits) == generation;
        }
    }

    @Override
    public CipherSuite suite() {
        return suite;
    }

    @Override
    public void addKey(long kid, KeyMaterial baseKey) {
        byte[] base = baseKey.bytes();
        try {
            KeyState state = newState(kid, base);
            lock.lock();
            try {
                KeyState old = keys.put(kid, state);
                if (old != null) {
                    old.destroy();
                }
            } finally {
                lock.unlock();
            }
            LOG.debug("SFrame key added: kid={} suite={}", Long.toUnsignedString(kid), suite.name());
        } finally {
            Arrays.fill(base, (byte) 0);
        }
    }

    @Override
    public boolean removeKey(long kid) {
        lock.lock();
        try {
            KeyState old = keys.remove(kid);
            if (old != null) {
                old.destroy();
                LOG.debug("SFrame key removed: kid={}", Long.toUnsignedString(kid));
            }
            return old != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long addSenderKey(long generation, int ratchetBits, KeyMaterial baseKey) {
        if (ratchetBits < 0 || ratchetBits > 16) {
            throw new IllegalArgumentException("ratchet bits R must be 0–16");
        }
        if (ratchetBits > 0 && (generation >>> (64 - ratchetBits)) != 0) {
            throw new IllegalArgumentException("generation does not fit in 64 - R bits");
        }
        SenderChain chain = new SenderChain(generation, ratchetBits, baseKey.bytes());
        long kid = chain.kid(0);
        KeyState state = newState(kid, chain.baseKey);
        lock.lock();
        try {
            SenderChain old = chains.put(generation, chain);
            if (old != null) {
                old.liveKids.forEach(this::dropKey);
                Arrays.fill(old.baseKey, (byte) 0);
            }
            putKey(kid, state);
            chain.liveKids.add(kid);
        } finally {
            lock.unlock();
        }
        LOG.debug("SFrame sender key added: generation={} R={} kid={}", generation, ratchetBits,
                Long.toUnsignedString(kid));
        return kid;
    }

    @Override
    public long ratchetSenderKey(long generation) {
        lock.lock();
        try {
            SenderChain chain = chains.get(generation);
            if (chain == null) {
                throw new IllegalStateException("no sender key of generation " + generation);
            }
            byte[] next = SFrameKeySchedule.ratchet(suite, chain.baseKey);
            long kid = chain.kid(chain.step + 1);
            commitRatchet(chain, chain.step + 1, next, kid, newState(kid, next));
            return kid;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] encrypt(long kid, byte[] frame, byte[] metadata) {
        lock.lock();
        try {
            KeyState state = keys.get(kid);
            if (state == null) {
                throw new IllegalStateException("no key for KID " + Long.toUnsignedString(kid));
            }
            if (state.exhausted) {
                throw new IllegalStateException("counter exhausted for KID " + Long.toUnsignedString(kid));
            }
            long ctr = state.nextCtr++;
            if (state.nextCtr == 0) {
                state.exhausted = true;
            }
            return seal(state, kid, ctr, frame, metadata);
        } finally {
            lock.unlock();
        }
    }

    /** Encrypts with an explicit counter: for known-answer tests only (CTR reuse breaks the AEAD). */
    byte[] encryptAt(long kid, long ctr, byte[] frame, byte[] metadata) {
        lock.lock();
        try {
            KeyState state = keys.get(kid);
            if (state == null) {
                throw new IllegalStateException("no key for KID " + Long.toUnsignedString(kid));
            }
            return seal(state, kid, ctr, frame, metadata);
        } finally {
            lock.unlock();
        }
    }

    private byte[] seal(KeyState state, long kid, long ctr, byte[] frame, byte[] metadata) {
        byte[] md = metadata == null ? NO_METADATA : metadata;
        SFrameHeader header = new SFrameHeader(kid, ctr);
        int hl = header.length();
        byte[] out = new byte[hl + frame.length + suite.tagLength()];
        header.encodeInto(out, 0);
        SFrameKeySchedule.nonce(state.salt, ctr, nonce);
        aead.seal(state.key, nonce, out, hl, md, frame, 0, frame.length, out, hl);
        return out;
    }

    @Override
    public FrameResult decrypt(byte[] sframe, byte[] metadata) {
        byte[] md = metadata == null ? NO_METADATA : metadata;
        SFrameHeader header;
        try {
            header = SFrameHeader.decode(sframe);
        } catch (SFrameHeader.MalformedHeaderException e) {
            return new FrameResult.Rejected(Reason.MALFORMED, e.getMessage());
        }
        int hl = header.length();
        if (sframe.length - hl < suite.tagLength()) {
            return new FrameResult.Rejected(Reason.MALFORMED, "shorter than header + tag");
        }
        long kid = header.kid();
        long ctr = header.ctr();
        lock.lock();
        try {
            KeyState state = keys.get(kid);
            Trial trial = null;
            if (state == null) {
                trial = forwardRatchet(kid);
                if (trial == null) {
                    LOG.trace("SFrame frame for unknown kid={}", Long.toUnsignedString(kid));
                    return new FrameResult.Rejected(Reason.UNKNOWN_KEY,
                            "no key for KID " + Long.toUnsignedString(kid));
                }
                state = trial.state;
            }
            if (!state.window.isFresh(ctr)) {
                return new FrameResult.Rejected(Reason.REPLAYED, "KID " + Long.toUnsignedString(kid)
                        + " CTR " + Long.toUnsignedString(ctr));
            }
            SFrameKeySchedule.nonce(state.salt, ctr, nonce);
            // the header is the first hl bytes of the frame itself
            byte[] pt = aead.open(state.key, nonce, sframe, hl, md, sframe, hl, sframe.length - hl);
            if (pt == null) {
                if (trial != null) {
                    trial.state.destroy();
                    Arrays.fill(trial.baseKey, (byte) 0);
                }
                LOG.trace("SFrame authentication failed: kid={}", Long.toUnsignedString(kid));
                return new FrameResult.Rejected(Reason.AUTHENTICATION_FAILED,
                        "tag mismatch for KID " + Long.toUnsignedString(kid));
            }
            if (trial != null) {
                commitRatchet(trial.chain, trial.step, trial.baseKey, kid, trial.state);
            }
            state.window.accept(ctr);
            return new FrameResult.Decrypted(pt, kid, ctr);
        } finally {
            lock.unlock();
        }
    }

    private record Trial(SenderChain chain, long step, byte[] baseKey, KeyState state) {
    }

    /** A key for an unknown KID of a known generation with a newer ratchet step, not yet kept. */
    private Trial forwardRatchet(long kid) {
        for (SenderChain chain : chains.values()) {
            if (!chain.owns(kid) || chain.ratchetBits == 0) {
                continue;
            }
            long mask = (1L << chain.ratchetBits) - 1;
            long distance = ((kid & mask) - (chain.step & mask)) & mask;
            if (distance == 0) {
                return null;
            }
            byte[] base = chain.baseKey.clone();
            for (long i = 0; i < distance; i++) {
                byte[] next = SFrameKeySchedule.ratchet(suite, base);
                Arrays.fill(base, (byte) 0);
                base = next;
            }
            return new Trial(chain, chain.step + distance, base, newState(kid, base));
        }
        return null;
    }

    private void commitRatchet(SenderChain chain, long step, byte[] baseKey, long kid, KeyState state) {
        Arrays.fill(chain.baseKey, (byte) 0);
        chain.baseKey = baseKey;
        chain.step = step;
        putKey(kid, state);
        chain.liveKids.remove(kid);
        chain.liveKids.addLast(kid);
        // keep the newest step and the one before it for late frames; delete older keys promptly (§5.1)
        while (chain.liveKids.size() > 2) {
            dropKey(chain.liveKids.removeFirst());
        }
        LOG.debug("SFrame sender key ratcheted: generation={} step={} kid={}", chain.generation, step,
                Long.toUnsignedString(kid));
    }

    private void putKey(long kid, KeyState state) {
        KeyState old = keys.put(kid, state);
        if (old != null && old != state) {
            old.destroy();
        }
    }

    private void dropKey(long kid) {
        KeyState old = keys.remove(kid);
        if (old != null) {
            old.destroy();
        }
    }

    private KeyState newState(long kid, byte[] baseKey) {
        SFrameKeySchedule.Derived d = SFrameKeySchedule.derive(suite, kid, baseKey);
        try {
            return new KeyState(aead.prepare(d.key()), d.salt().clone(), replayWindow);
        } finally {
            d.destroy();
        }
    }

    @Override
    public String toString() {
        return "SFrameContext[" + suite.name() + ", replayWindow=" + replayWindow + "]";
    }
}
