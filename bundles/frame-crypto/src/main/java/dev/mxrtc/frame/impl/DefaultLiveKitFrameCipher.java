package dev.mxrtc.frame.impl;

import dev.mxrtc.frame.FrameResult;
import dev.mxrtc.frame.FrameResult.Reason;
import dev.mxrtc.frame.KeyMaterial;
import dev.mxrtc.frame.LiveKitFrame;
import dev.mxrtc.frame.LiveKitFrameCipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LiveKit frame format for one participant's 256-slot key ring. One lock guards the ring, the send
 * counters and the JDK cipher. Logs key indices, never keys.
 *
 * <pre>
 * decrypt:  trailer ok? ──no──▶ MALFORMED
 *              │
 *           slot[key index] set? ──no──▶ UNKNOWN_KEY
 *              │
 *           open with slot key ──ok──▶ Decrypted
 *              │ fails
 *           for step 1..ratchetWindow: open with ratcheted key (steps cached in the slot)
 *              │ ok: slot = ratcheted key, current index = key index ──▶ Decrypted
 *              │ none ok
 *           AUTHENTICATION_FAILED
 * </pre>
 */
public final class DefaultLiveKitFrameCipher implements LiveKitFrameCipher {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultLiveKitFrameCipher.class);
    static final int IV_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int RING_SIZE = 256;

    private final int ratchetWindow;
    private final ReentrantLock lock = new ReentrantLock();
    private final Slot[] ring = new Slot[RING_SIZE];
    private final Map<Long, Integer> sendCounts = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Cipher gcm;
    private int currentIndex;

    /** One key index: material, the frame key, and ratcheted successors computed so far. */
    private static final class Slot {
        final LiveKitKeys.Material material;
        final SecretKeySpec key;
        final List<Slot> ahead = new ArrayList<>();

        Slot(LiveKitKeys.Material material) {
            this.material = material;
            this.key = LiveKitKeys.frameKey(material);
        }

        /** The slot {@code steps} ratchets ahead of this one (1-based), derived once and cached. */
        Slot ahead(int steps) {
            while (ahead.size() < steps) {
                Slot last = ahead.isEmpty() ? this : ahead.get(ahead.size() - 1);
                ahead.add(new Slot(LiveKitKeys.ratchet(last.material)));
            }
            return ahead.get(steps - 1);
        }

        void destroy() {
            material.destroy();
            ahead.forEach(Slot::destroy);
        }
    }

    public DefaultLiveKitFrameCipher(int ratchetWindow) {
        if (ratchetWindow < 0 || ratchetWindow > 256) {
            throw new IllegalArgumentException("ratchet window must be 0–256");
        }
        this.ratchetWindow = ratchetWindow;
        try {
            this.gcm = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks AES-GCM", e);
        }
    }

    @Override
    public void setKey(int keyIndex, KeyMaterial rawKey) {
        byte[] raw = rawKey.bytes();
        try {
            install(keyIndex, new Slot(new LiveKitKeys.Material(LiveKitKeys.Kind.HKDF, raw)));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        LOG.debug("LiveKit key set: index={}", keyIndex);
    }

    @Override
    public void setSharedPassword(int keyIndex, String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            install(keyIndex, new Slot(new LiveKitKeys.Material(LiveKitKeys.Kind.PBKDF2, pw)));
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        LOG.debug("LiveKit shared key set: index={}", keyIndex);
    }

    private void install(int keyIndex, Slot slot) {
        checkIndex(keyIndex);
        lock.lock();
        try {
            Slot old = ring[keyIndex];
            ring[keyIndex] = slot;
            currentIndex = keyIndex;
            if (old != null) {
                old.destroy();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setCurrentKeyIndex(int keyIndex) {
        checkIndex(keyIndex);
        lock.lock();
        try {
            currentIndex = keyIndex;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int currentKeyIndex() {
        lock.lock();
        try {
            return currentIndex;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ratchet(int keyIndex) {
        checkIndex(keyIndex);
        lock.lock();
        try {
            Slot slot = ring[keyIndex];
            if (slot == null) {
                throw new IllegalStateException("no key at index " + keyIndex);
            }
            Slot next = slot.ahead(1);
            slot.ahead.remove(0);
            next.ahead.addAll(slot.ahead);
            slot.ahead.clear();
            ring[keyIndex] = next;
            slot.destroy();
        } finally {
            lock.unlock();
        }
        LOG.debug("LiveKit key ratcheted: index={}", keyIndex);
    }

    @Override
    public byte[] encrypt(LiveKitFrame frame) {
        byte[] data = frame.data();
        if (data.length == 0) {
            return new byte[0];
        }
        int clear = frame.type().clearBytes();
        if (data.length < clear) {
            throw new IllegalArgumentException(frame.type() + " frame shorter than its " + clear + " clear bytes");
        }
        lock.lock();
        try {
            Slot slot = ring[currentIndex];
            if (slot == null) {
                throw new IllegalStateException("no key at current index " + currentIndex);
            }
            int ctLen = data.length - clear + TAG_LENGTH;
            byte[] out = new byte[clear + ctLen + IV_LENGTH + 2];
            System.arraycopy(data, 0, out, 0, clear);
            byte[] iv = makeIv(frame.ssrc(), frame.rtpTimestamp());
            gcm.init(Cipher.ENCRYPT_MODE, slot.key, new GCMParameterSpec(128, iv));
            gcm.updateAAD(data, 0, clear);
            gcm.doFinal(data, clear, data.length - clear, out, clear);
            System.arraycopy(iv, 0, out, clear + ctLen, IV_LENGTH);
            out[out.length - 2] = IV_LENGTH;
            out[out.length - 1] = (byte) currentIndex;
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** SSRC ‖ timestamp ‖ (timestamp − sendCount mod 0xFFFF), each u32 BE; sendCount random per SSRC. */
    private byte[] makeIv(long ssrc, long timestamp) {
        int sendCount = sendCounts.computeIfAbsent(ssrc, s -> random.nextInt(0xFFFF));
        sendCounts.put(ssrc, sendCount + 1);
        byte[] iv = new byte[IV_LENGTH];
        putInt(iv, 0, (int) ssrc);
        putInt(iv, 4, (int) timestamp);
        putInt(iv, 8, (int) (timestamp - (sendCount % 0xFFFF)));
        return iv;
    }

    @Override
    public FrameResult decrypt(LiveKitFrame frame) {
        byte[] data = frame.data();
        if (data.length == 0) {
            return new FrameResult.Decrypted(new byte[0], currentKeyIndex(), -1);
        }
        int clear = frame.type().clearBytes();
        if (data.length < clear + 2) {
            return new FrameResult.Rejected(Reason.MALFORMED, "shorter than clear bytes + trailer");
        }
        int keyIndex = data[data.length - 1] & 0xff;
        int ivLen = data[data.length - 2] & 0xff;
        int ctLen = data.length - clear - 2 - ivLen;
        if (ivLen == 0 || ctLen < TAG_LENGTH) {
            return new FrameResult.Rejected(Reason.MALFORMED, "bad IV length or too short for the tag");
        }
        int ivOff = data.length - 2 - ivLen;
        lock.lock();
        try {
            Slot slot = ring[keyIndex];
            if (slot == null) {
                return new FrameResult.Rejected(Reason.UNKNOWN_KEY, "no key at index " + keyIndex);
            }
            byte[] out = open(slot.key, data, clear, ctLen, ivOff, ivLen);
            if (out != null) {
                return new FrameResult.Decrypted(out, keyIndex, -1);
            }
            for (int step = 1; step <= ratchetWindow; step++) {
                Slot candidate = slot.ahead(step);
                out = open(candidate.key, data, clear, ctLen, ivOff, ivLen);
                if (out != null) {
                    // keep the ratcheted key and the steps beyond it; like livekit-client, make it current
                    List<Slot> beyond = new ArrayList<>(slot.ahead.subList(step, slot.ahead.size()));
                    slot.ahead.subList(step - 1, slot.ahead.size()).clear();
                    slot.destroy();
                    candidate.ahead.addAll(0, beyond);
                    ring[keyIndex] = candidate;
                    currentIndex = keyIndex;
                    LOG.debug("LiveKit receiver ratcheted key index {} by {} step(s)", keyIndex, step);
                    return new FrameResult.Decrypted(out, keyIndex, -1);
                }
            }
            return new FrameResult.Rejected(Reason.AUTHENTICATION_FAILED,
                    "no key within " + ratchetWindow + " ratchet steps at index " + keyIndex + " authenticates");
        } finally {
            lock.unlock();
        }
    }

    /** clear header ‖ plaintext, or null if the tag does not verify. */
    private byte[] open(SecretKeySpec key, byte[] data, int clear, int ctLen, int ivOff, int ivLen) {
        try {
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, data, ivOff, ivLen));
            gcm.updateAAD(data, 0, clear);
            byte[] out = new byte[clear + ctLen - TAG_LENGTH];
            gcm.doFinal(data, clear, ctLen, out, clear);
            System.arraycopy(data, 0, out, 0, clear);
            return out;
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private static void checkIndex(int keyIndex) {
        if (keyIndex < 0 || keyIndex >= RING_SIZE) {
            throw new IllegalArgumentException("key index must be 0–255: " + keyIndex);
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    @Override
    public String toString() {
        return "LiveKitFrameCipher[ratchetWindow=" + ratchetWindow + "]";
    }
}
