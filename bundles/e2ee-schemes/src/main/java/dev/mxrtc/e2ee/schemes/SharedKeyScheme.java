package dev.mxrtc.e2ee.schemes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.EncryptionScheme;

/**
 * {@code shared_key}: one key for everyone in the room, derived from a room secret the way Element Call's
 * shared-password mode does (LiveKit {@code setSharedPassword}): PBKDF2-HMAC-SHA-256 over the UTF-8 password,
 * salt {@code "LKFrameEncryptionKey"}, 100 000 iterations, 128 bits: the AES-GCM-128 frame key itself. Nothing is
 * distributed; every member has the secret out of band (Element Call: the {@code password} URL parameter).
 */
@Component(service = EncryptionScheme.class, property = EncryptionScheme.TYPE_PROPERTY + "=" + SharedKeyScheme.TYPE,
        configurationPid = "dev.mxrtc.e2ee.shared_key")
@Designate(ocd = SharedKeyScheme.Config.class)
public final class SharedKeyScheme implements EncryptionScheme {

    static final String TYPE = "shared_key";
    static final byte[] SALT = "LKFrameEncryptionKey".getBytes(StandardCharsets.UTF_8);
    static final int ITERATIONS = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(SharedKeyScheme.class);

    @ObjectClassDefinition(name = "mxrtc shared_key media keys")
    public @interface Config {
        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "room secrets, each 'room_id=secret' (the secret is everything after the first '=')")
        String[] secrets() default {};
    }

    private final Map<String, String> secrets;

    @Activate
    public SharedKeyScheme(Config config) {
        this(parse(config.secrets()));
    }

    /** Outside OSGi: room id → secret. */
    public SharedKeyScheme(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    private static Map<String, String> parse(String[] entries) {
        Map<String, String> out = new HashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                LOG.warn("shared_key: a secrets entry is not 'room_id=secret'; ignored");
                continue;
            }
            out.put(e.substring(0, eq).trim(), e.substring(eq + 1));
        }
        return out;
    }

    /** The frame key Element Call / LiveKit derive from a shared password. */
    static byte[] derive(String password) {
        char[] chars = password.toCharArray();
        // PBEKeySpec takes chars and encodes them as UTF-8 for PBKDF2WithHmacSHA256 (JDK: PBKDF2KeyImpl)
        PBEKeySpec spec = new PBEKeySpec(chars, SALT, ITERATIONS, 128);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(chars, '\0');
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Keying open(Session session, Member self, KeySender sender) {
        String secret = secrets.get(session.roomId());
        if (secret == null) {
            throw new IllegalStateException("shared_key: no secret configured for room " + session.roomId());
        }
        byte[] k = derive(secret);
        MediaKey key;
        try {
            key = new MediaKey(0, k);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
        LOG.info("room {}: shared_key keying for {}", session.roomId(), self.memberId());
        return new SharedKeying(key);
    }

    private static final class SharedKeying implements Keying {
        private volatile MediaKey key;

        SharedKeying(MediaKey key) {
            this.key = Objects.requireNonNull(key);
        }

        @Override
        public void membersChanged(Session session) {
            // nothing to distribute: every member derives the same key
        }

        @Override
        public void keyReceived(Member from, MediaKey received) {
            LOG.debug("shared_key: key from {}/{} ignored (keys are not distributed)", from.userId(), from.deviceId());
        }

        @Override
        public Optional<MediaKey> currentKey() {
            return Optional.ofNullable(key);
        }

        @Override
        public Optional<MediaKey> keyOf(Member from, int index) {
            MediaKey k = key;
            return k != null && index == k.index() ? Optional.of(k) : Optional.empty();
        }

        @Override
        public void close() {
            key = null;
        }
    }
}
