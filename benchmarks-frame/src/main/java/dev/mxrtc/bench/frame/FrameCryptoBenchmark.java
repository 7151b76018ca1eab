package dev.mxrtc.bench.frame;

import dev.mxrtc.frame.CipherSuite;
import dev.mxrtc.frame.FrameCrypto;
import dev.mxrtc.frame.FrameResult;
import dev.mxrtc.frame.KeyMaterial;
import dev.mxrtc.frame.LiveKitFrame;
import dev.mxrtc.frame.LiveKitFrameCipher;
import dev.mxrtc.frame.LiveKitFrameType;
import dev.mxrtc.frame.SFrameContext;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encrypt + decrypt of one frame per operation. The baselines are raw JDK AES-GCM (one reused {@link Cipher},
 * fresh 12-byte IV per frame, same sizes): what any frame format on the JDK pays at least.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FrameCryptoBenchmark {

    @Param({"100", "1024", "51200"})
    public int size;

    private byte[] frame;
    private final byte[] metadata = new byte[0];

    private Cipher rawCipher;
    private SecretKeySpec raw128;
    private SecretKeySpec raw256;
    private final byte[] rawIv = new byte[12];
    private final byte[] rawAad = new byte[1];
    private long rawCounter;

    private SFrameContext gcm128Sender;
    private SFrameContext gcm128Receiver;
    private SFrameContext gcm256Sender;
    private SFrameContext gcm256Receiver;
    private SFrameContext ctr80Sender;
    private SFrameContext ctr80Receiver;

    private LiveKitFrameCipher lkSender;
    private LiveKitFrameCipher lkReceiver;
    private long lkTimestamp;

    @Setup
    public void setup() throws GeneralSecurityException {
        Random random = new Random(42);
        frame = new byte[size];
        random.nextBytes(frame);
        byte[] k = new byte[32];
        random.nextBytes(k);
        rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
        raw128 = new SecretKeySpec(k, 0, 16, "AES");
        raw256 = new SecretKeySpec(k, 0, 32, "AES");

        KeyMaterial base = new KeyMaterial(k);
        gcm128Sender = sframe(CipherSuite.AES_128_GCM_SHA256_128, base);
        gcm128Receiver = sframe(CipherSuite.AES_128_GCM_SHA256_128, base);
        gcm256Sender = sframe(CipherSuite.AES_256_GCM_SHA512_128, base);
        gcm256Receiver = sframe(CipherSuite.AES_256_GCM_SHA512_128, base);
        ctr80Sender = sframe(CipherSuite.AES_128_CTR_HMAC_SHA256_80, base);
        ctr80Receiver = sframe(CipherSuite.AES_128_CTR_HMAC_SHA256_80, base);

        lkSender = FrameCrypto.liveKit();
        lkSender.setKey(0, base);
        lkReceiver = FrameCrypto.liveKit();
        lkReceiver.setKey(0, base);
    }

    private static SFrameContext sframe(CipherSuite suite, KeyMaterial base) {
        SFrameContext c = FrameCrypto.sframe(suite);
        c.addKey(7, base);
        return c;
    }

    private byte[] raw(SecretKeySpec key) throws GeneralSecurityException {
        long c = rawCounter++;
        for (int i = 0; i < 8; i++) {
            rawIv[11 - i] = (byte) (c >>> (8 * i));
        }
        GCMParameterSpec spec = new GCMParameterSpec(128, rawIv);
        rawCipher.init(Cipher.ENCRYPT_MODE, key, spec);
        rawCipher.updateAAD(rawAad);
        byte[] ct = rawCipher.doFinal(frame);
        rawCipher.init(Cipher.DECRYPT_MODE, key, spec);
        rawCipher.updateAAD(rawAad);
        return rawCipher.doFinal(ct);
    }

    @Benchmark
    public byte[] jdkAesGcm128() throws GeneralSecurityException {
        return raw(raw128);
    }

    @Benchmark
    public byte[] jdkAesGcm256() throws GeneralSecurityException {
        return raw(raw256);
    }

    private byte[] roundTrip(SFrameContext sender, SFrameContext receiver) {
        byte[] ct = sender.encrypt(7, frame, metadata);
        if (receiver.decrypt(ct, metadata) instanceof FrameResult.Decrypted d) {
            return d.frame();
        }
        throw new IllegalStateException("decrypt failed");
    }

    @Benchmark
    public byte[] sframeAes128Gcm() {
        return roundTrip(gcm128Sender, gcm128Receiver);
    }

    @Benchmark
    public byte[] sframeAes256Gcm() {
        return roundTrip(gcm256Sender, gcm256Receiver);
    }

    @Benchmark
    public byte[] sframeAes128CtrHmac80() {
        return roundTrip(ctr80Sender, ctr80Receiver);
    }

    @Benchmark
    public byte[] liveKit() {
        LiveKitFrame f = new LiveKitFrame(LiveKitFrameType.VP8_DELTA, 1234, (lkTimestamp += 3000) & 0xFFFF_FFFFL, frame);
        byte[] wire = lkSender.encrypt(f);
        if (lkReceiver.decrypt(new LiveKitFrame(f.type(), f.ssrc(), f.rtpTimestamp(), wire))
                instanceof FrameResult.Decrypted d) {
            return d.frame();
        }
        throw new IllegalStateException("decrypt failed");
    }
}
