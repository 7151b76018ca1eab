package dev.mxrtc.e2ee.schemes;

import java.security.SecureRandom;
import java.util.Objects;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme;

/** {@code per_sender_ratchet}: per-sender keys sent on join, advanced by everyone on joins (see docs/e2ee.md). */
@Component(service = EncryptionScheme.class,
        property = EncryptionScheme.TYPE_PROPERTY + "=" + PerSenderRatchetScheme.TYPE,
        configurationPid = "dev.mxrtc.e2ee.per_sender_ratchet")
@Designate(ocd = PerSenderRatchetScheme.Config.class)
public final class PerSenderRatchetScheme implements EncryptionScheme {

    static final String TYPE = "per_sender_ratchet";

    @ObjectClassDefinition(name = "mxrtc per_sender_ratchet media keys")
    /** Keys as in a {@code .cfg} file: {@code use_key_delay_ms}, ... (DS maps {@code __} in a method name to {@code _}). */
    public @interface Config {
        @AttributeDefinition(description = "ms between a change and encrypting with the own new key")
        long use__key__delay__ms() default 1_000;

        @AttributeDefinition(description = "key length in bytes (16..32)")
        int key__length() default 32;
    }

    private final long useKeyDelayMs;
    private final int keyLength;
    private final Scheduler scheduler;
    private final SecureRandom random;
    private final AutoCloseable owned;

    @Activate
    public PerSenderRatchetScheme(Config config) {
        this(config.use__key__delay__ms(), config.key__length(), new ExecutorScheduler("mxrtc-psr-keys"));
    }

    private PerSenderRatchetScheme(long delay, int length, ExecutorScheduler scheduler) {
        this(delay, length, scheduler, new SecureRandom(), scheduler);
    }

    PerSenderRatchetScheme(long useKeyDelayMs, int keyLength, Scheduler scheduler, SecureRandom random,
            AutoCloseable owned) {
        if (useKeyDelayMs < 0 || keyLength < 16 || keyLength > 32) {
            throw new IllegalArgumentException("use delay ≥ 0, key length 16..32");
        }
        this.useKeyDelayMs = useKeyDelayMs;
        this.keyLength = keyLength;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.owned = owned;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Keying open(Session session, Member self, KeySender sender) {
        return new PerSenderRatchetKeying(useKeyDelayMs, keyLength, scheduler, random, session, self, sender);
    }

    @Deactivate
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the scheduler failed", e);
        }
    }
}
