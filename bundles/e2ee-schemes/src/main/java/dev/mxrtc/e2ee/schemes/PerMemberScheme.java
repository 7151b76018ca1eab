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

/** {@code per_member}: each member's own random key, rotated on leaves (see {@link PerMemberKeying}). */
@Component(service = EncryptionScheme.class, property = EncryptionScheme.TYPE_PROPERTY + "=" + PerMemberScheme.TYPE,
        configurationPid = "dev.mxrtc.e2ee.per_member")
@Designate(ocd = PerMemberScheme.Config.class)
public final class PerMemberScheme implements EncryptionScheme {

    static final String TYPE = "per_member";

    @ObjectClassDefinition(name = "mxrtc per_member media keys")
    /** Keys as in a {@code .cfg} file: {@code use_key_delay_ms}, ... (DS maps {@code __} in a method name to {@code _}). */
    public @interface Config {
        @AttributeDefinition(description = "ms between sending a new key and encrypting with it (js-sdk 43 join default)")
        long use__key__delay__ms() default 1_000;

        @AttributeDefinition(description = "joiners within this many ms of the key's creation get the current key")
        long grace__period__ms() default 10_000;

        @AttributeDefinition(description = "at this many members rotation stops (joiners get the current key); 0 = never")
        int participant__limit() default 0;

        @AttributeDefinition(description = "random key length in bytes (js-sdk 43 sends 16)")
        int key__length() default 16;
    }

    /** The same settings, outside OSGi. */
    public record Settings(long useKeyDelayMs, long gracePeriodMs, int participantLimit, int keyLength) {
        public Settings {
            if (useKeyDelayMs < 0 || gracePeriodMs < 0 || participantLimit < 0 || keyLength < 16 || keyLength > 64) {
                throw new IllegalArgumentException("delays and limit must be ≥ 0, key length 16..64");
            }
        }

        public static Settings defaults() {
            return new Settings(1_000, 10_000, 0, 16);
        }
    }

    private final Settings settings;
    private final Scheduler scheduler;
    private final SecureRandom random;
    private final AutoCloseable owned;

    @Activate
    public PerMemberScheme(Config config) {
        this(new Settings(config.use__key__delay__ms(), config.grace__period__ms(), config.participant__limit(),
                config.key__length()), new ExecutorScheduler("mxrtc-per_member-keys"));
    }

    private PerMemberScheme(Settings settings, ExecutorScheduler scheduler) {
        this(settings, scheduler, new SecureRandom(), scheduler);
    }

    PerMemberScheme(Settings settings, Scheduler scheduler, SecureRandom random, AutoCloseable owned) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.owned = owned;
    }

    /** Outside OSGi: the scheme on its own scheduler thread; close it when done. */
    public static PerMemberScheme create(Settings settings) {
        return new PerMemberScheme(settings, new ExecutorScheduler("mxrtc-per_member-keys"));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Keying open(Session session, Member self, KeySender sender) {
        return new PerMemberKeying(settings, scheduler, random, session, self, sender);
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
