package dev.mxrtc.crypto.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.crypto.CryptoException;
import dev.mxrtc.crypto.CryptoState;
import dev.mxrtc.crypto.CryptoStateListener;
import dev.mxrtc.crypto.DeviceCrypto;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.InboundRoomSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.crypto.OlmSession;

/**
 * {@link CryptoStore} in an embedded H2 file ({@code <dataDir>/crypto.mv.db}). Two layers of encryption at rest,
 * both keyed from the one 32-byte store key of the configuration: H2's {@code CIPHER=AES} file encryption (so ids,
 * room ids and session ids are not readable either) and the crypto bundle's AES-256-GCM pickles. The two keys are
 * separate HMAC-SHA-256 derivations of the store key. One connection behind one lock.
 */
public final class H2CryptoStore implements CryptoStore {

    private static final Logger LOG = LoggerFactory.getLogger(H2CryptoStore.class);

    private final OlmFactory olm;
    private final byte[] pickleKey;
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    /** Orders Olm session saves across restarts (a wall or nano clock is not monotonic across processes). */
    private final AtomicLong saves;
    private boolean closed;

    private H2CryptoStore(OlmFactory olm, byte[] pickleKey, Connection db, long lastSave) {
        this.olm = olm;
        this.pickleKey = pickleKey;
        this.db = db;
        this.saves = new AtomicLong(lastSave);
    }

    /**
     * Opens (creating when missing) the store under {@code dataDir}.
     *
     * @param storeKey 32 bytes from the configuration; a wrong key fails to open an existing store
     */
    public static H2CryptoStore open(Path dataDir, byte[] storeKey, OlmFactory olm) throws SQLException {
        Objects.requireNonNull(olm, "olm");
        if (storeKey.length != 32) {
            throw new IllegalArgumentException("the store key is 32 bytes");
        }
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + dataDir, e);
        }
        byte[] fileKey = derive(storeKey, "mxrtc crypto-store file");
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("crypto") + ";CIPHER=AES");
        ds.setUser("mxrtc");
        // H2: "<file password> <user password>"
        ds.setPassword(HexFormat.of().formatHex(fileKey) + " mxrtc");
        Arrays.fill(fileKey, (byte) 0);
        Connection c = ds.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS olm_account (user_id VARCHAR NOT NULL, device_id VARCHAR NOT NULL,"
                    + " pickle VARBINARY NOT NULL, PRIMARY KEY (user_id, device_id))");
            s.execute("CREATE TABLE IF NOT EXISTS olm_session (user_id VARCHAR NOT NULL, device_id VARCHAR NOT NULL,"
                    + " their_key VARCHAR NOT NULL, session_id VARCHAR NOT NULL, saved BIGINT NOT NULL,"
                    + " pickle VARBINARY NOT NULL, PRIMARY KEY (user_id, device_id, session_id))");
            s.execute("CREATE TABLE IF NOT EXISTS megolm_inbound (user_id VARCHAR NOT NULL, device_id VARCHAR NOT NULL,"
                    + " room_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL, sender_key VARCHAR NOT NULL,"
                    + " pickle VARBINARY NOT NULL, PRIMARY KEY (user_id, device_id, room_id, session_id))");
            // added with DeviceCrypto persistence: the Ed25519 key the m.room_key payload claimed
            s.execute("ALTER TABLE megolm_inbound ADD COLUMN IF NOT EXISTS sender_ed25519 VARCHAR");
            long lastSave;
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(saved), 0) FROM olm_session")) {
                rs.next();
                lastSave = rs.getLong(1);
            }
            LOG.info("crypto store open at {}", dataDir);
            return new H2CryptoStore(olm, derive(storeKey, "mxrtc crypto-store pickle"), c, lastSave);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private static byte[] derive(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public void saveAccount(String userId, String deviceId, OlmAccount account) {
        update("MERGE INTO olm_account (user_id, device_id, pickle) KEY (user_id, device_id) VALUES (?, ?, ?)",
                userId, deviceId, account.pickle(pickleKey));
    }

    @Override
    public Optional<OlmAccount> loadAccount(String userId, String deviceId) throws CryptoException {
        List<byte[]> found = query("SELECT pickle FROM olm_account WHERE user_id = ? AND device_id = ?", userId,
                deviceId);
        return found.isEmpty() ? Optional.empty() : Optional.of(olm.restoreAccount(found.get(0), pickleKey));
    }

    @Override
    public void saveOlmSession(String userId, String deviceId, OlmSession session) {
        update("MERGE INTO olm_session (user_id, device_id, their_key, session_id, saved, pickle)"
                + " KEY (user_id, device_id, session_id) VALUES (?, ?, ?, ?, ?, ?)", userId, deviceId,
                session.theirIdentityKey(), session.sessionId(), saves.incrementAndGet(), session.pickle(pickleKey));
    }

    @Override
    public List<OlmSession> loadOlmSessions(String userId, String deviceId, String theirIdentityKey)
            throws CryptoException {
        List<OlmSession> out = new ArrayList<>();
        for (byte[] p : query("SELECT pickle FROM olm_session WHERE user_id = ? AND device_id = ? AND their_key = ?"
                + " ORDER BY saved DESC", userId, deviceId, theirIdentityKey)) {
            out.add(olm.restoreSession(p, pickleKey));
        }
        return out;
    }

    @Override
    public void saveInboundGroupSession(String userId, String deviceId, String roomId, String senderKey,
            InboundGroupSession session) {
        update("MERGE INTO megolm_inbound (user_id, device_id, room_id, session_id, sender_key, pickle)"
                + " KEY (user_id, device_id, room_id, session_id) VALUES (?, ?, ?, ?, ?, ?)", userId, deviceId, roomId,
                session.sessionId(), senderKey, session.pickle(pickleKey));
    }

    @Override
    public Optional<InboundGroupSession> loadInboundGroupSession(String userId, String deviceId, String roomId,
            String sessionId) throws CryptoException {
        List<byte[]> found = query("SELECT pickle FROM megolm_inbound WHERE user_id = ? AND device_id = ?"
                + " AND room_id = ? AND session_id = ?", userId, deviceId, roomId, sessionId);
        return found.isEmpty() ? Optional.empty()
                : Optional.of(olm.restoreInboundGroupSession(found.get(0), pickleKey));
    }

    @Override
    public void saveInboundRoomSession(String userId, String deviceId, InboundRoomSession s) {
        update("MERGE INTO megolm_inbound (user_id, device_id, room_id, session_id, sender_key, sender_ed25519, pickle)"
                + " KEY (user_id, device_id, room_id, session_id) VALUES (?, ?, ?, ?, ?, ?, ?)", userId, deviceId,
                s.roomId(), s.session().sessionId(), s.senderKey(), s.senderEd25519(), s.session().pickle(pickleKey));
    }

    @Override
    public CryptoState loadState(String userId, String deviceId) throws CryptoException {
        List<OlmSession> sessions = new ArrayList<>();
        for (Object[] row : rows("SELECT pickle FROM olm_session WHERE user_id = ? AND device_id = ? ORDER BY saved DESC",
                1, userId, deviceId)) {
            sessions.add(olm.restoreSession((byte[]) row[0], pickleKey));
        }
        List<InboundRoomSession> inbound = new ArrayList<>();
        for (Object[] row : rows("SELECT room_id, sender_key, sender_ed25519, pickle FROM megolm_inbound"
                + " WHERE user_id = ? AND device_id = ? AND sender_ed25519 IS NOT NULL", 4, userId, deviceId)) {
            inbound.add(new InboundRoomSession((String) row[0], (String) row[1], (String) row[2],
                    olm.restoreInboundGroupSession((byte[]) row[3], pickleKey)));
        }
        return new CryptoState(sessions, inbound);
    }

    @Override
    public DeviceCrypto openDevice(String userId, String deviceId) throws CryptoException {
        Optional<OlmAccount> saved = loadAccount(userId, deviceId);
        OlmAccount account = saved.orElseGet(olm::newAccount);
        if (saved.isEmpty()) {
            saveAccount(userId, deviceId, account);
            LOG.info("crypto store: new Olm account for {} {}", userId, deviceId);
        }
        CryptoState state = loadState(userId, deviceId);
        LOG.info("crypto store: {} {} restored with {} Olm and {} Megolm sessions", userId, deviceId,
                state.olmSessions().size(), state.inboundSessions().size());
        return olm.deviceCrypto(userId, deviceId, account, state, new CryptoStateListener() {
            @Override
            public void accountChanged(OlmAccount a) {
                saveAccount(userId, deviceId, a);
            }

            @Override
            public void olmSessionChanged(OlmSession session) {
                saveOlmSession(userId, deviceId, session);
            }

            @Override
            public void inboundSessionChanged(InboundRoomSession session) {
                saveInboundRoomSession(userId, deviceId, session);
            }
        });
    }

    private List<Object[]> rows(String sql, int columns, Object... args) {
        lock.lock();
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            List<Object[]> out = new ArrayList<>();
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("crypto store read failed", e);
        } finally {
            lock.unlock();
        }
    }

    private void update(String sql, Object... args) {
        lock.lock();
        try (PreparedStatement st = prepare(sql, args)) {
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("crypto store write failed", e);
        } finally {
            lock.unlock();
        }
    }

    private List<byte[]> query(String sql, Object... args) {
        lock.lock();
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            List<byte[]> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getBytes(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("crypto store read failed", e);
        } finally {
            lock.unlock();
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        if (closed) {
            throw new IllegalStateException("crypto store closed");
        }
        PreparedStatement st = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
        return st;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Arrays.fill(pickleKey, (byte) 0);
            db.close();
        } catch (SQLException e) {
            LOG.warn("closing the crypto store failed", e);
        } finally {
            lock.unlock();
        }
    }
}
