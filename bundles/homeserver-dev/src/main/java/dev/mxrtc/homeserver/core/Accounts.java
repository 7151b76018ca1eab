package dev.mxrtc.homeserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.HomeserverConfig.Registration;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.store.Database;
import dev.mxrtc.homeserver.store.Database.Tx;
import java.security.MessageDigest;
import java.security.spec.InvalidKeySpecException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Users, devices and access tokens: registration (UIA with {@code m.login.dummy}, or
 * {@code m.login.registration_token} when a shared secret is configured), password login, logout, OpenID
 * tokens. Tokens are stored as SHA-256 hashes and never logged.
 */
public final class Accounts {
    private static final long OPENID_TTL_MS = 3_600_000L;

    private final Database db;
    private final Ids ids;
    private final Clock clock;
    private final HomeserverConfig config;
    /**
     * Token hash → caller. Filled and emptied only inside transactions (under the database lock), so once a logout
     * commits its tokens are not served from here; it spares every request its own locked lookup (load benchmark).
     */
    private final Map<String, Caller> tokenCache = new ConcurrentHashMap<>();

    public Accounts(Database db, Ids ids, Clock clock, HomeserverConfig config) {
        this.db = db;
        this.ids = ids;
        this.clock = clock;
        this.config = config;
    }

    public Optional<Caller> authenticate(String token) {
        String hash = Ids.sha256Hex(token);
        Caller cached = tokenCache.get(hash);
        if (cached != null) return Optional.of(cached);
        return db.tx(tx -> {
            Optional<Caller> caller = tx.queryOne("SELECT user_id, device_id FROM access_tokens WHERE token_hash = ?",
                    rs -> new Caller(rs.getString(1), rs.getString(2)), hash);
            caller.ifPresent(c -> tokenCache.put(hash, c));
            return caller;
        });
    }

    /** The UIA flows this server offers for registration. */
    public ObjectNode registrationFlows(String session) {
        ObjectNode out = Json.object();
        String stage = config.registration() == Registration.SHARED_SECRET ? "m.login.registration_token" : "m.login.dummy";
        out.putArray("flows").addObject().putArray("stages").add(stage);
        out.putObject("params");
        out.put("session", session);
        return out;
    }

    /**
     * {@code POST /register}. Returns null when the client must first complete UIA (the caller answers 401
     * with {@link #registrationFlows}).
     */
    public ObjectNode register(ObjectNode body, String kind) {
        if ("guest".equals(kind)) throw new MatrixError(403, "M_GUEST_ACCESS_FORBIDDEN", "Guest access is disabled");
        if (config.registration() == Registration.CLOSED) throw MatrixError.forbidden("Registration is disabled");
        String username = Json.optString(body, "username");
        String password = Json.optString(body, "password");
        String deviceId = Json.optString(body, "device_id");
        String displayName = Json.optString(body, "initial_device_display_name");
        boolean inhibitLogin = Json.optBoolean(body, "inhibit_login", false);
        if (username != null) {
            if (username.startsWith("@")) username = username.substring(1, username.contains(":") ? username.indexOf(':') : username.length());
            if (!Ids.validLocalpart(username)) throw new MatrixError(400, "M_INVALID_USERNAME", "Invalid username");
        }
        ObjectNode auth = Json.optObject(body, "auth");
        if (auth == null) return null;
        String type = Json.optString(auth, "type");
        switch (config.registration()) {
            case OPEN -> {
                if (!"m.login.dummy".equals(type)) return null;
            }
            case SHARED_SECRET -> {
                if (!"m.login.registration_token".equals(type)) return null;
                if (!constantTimeEquals(String.valueOf(Json.optString(auth, "token")), config.sharedSecret())) {
                    throw new MatrixError(401, "M_FORBIDDEN", "Invalid registration token");
                }
            }
            case CLOSED -> throw MatrixError.forbidden("Registration is disabled");
        }
        String localpart = username == null ? "user" + Long.toString(clock.millis(), 36) + ids.deviceId().toLowerCase(java.util.Locale.ROOT) : username;
        String userId = ids.userId(localpart);
        String hash = password == null ? null : hashPassword(password);
        return db.tx(tx -> {
            if (tx.queryOne("SELECT 1 FROM users WHERE user_id = ?", rs -> 1, userId).isPresent()) {
                throw new MatrixError(400, "M_USER_IN_USE", "User ID already taken");
            }
            tx.update("INSERT INTO users (user_id, password_hash, displayname, created_ts) VALUES (?, ?, ?, ?)",
                    userId, hash, localpart, clock.millis());
            ObjectNode out = Json.object();
            out.put("user_id", userId);
            out.put("home_server", ids.serverName());
            if (!inhibitLogin) {
                Session s = newSession(tx, userId, deviceId, displayName);
                out.put("access_token", s.token());
                out.put("device_id", s.deviceId());
            }
            return out;
        });
    }

    public boolean usernameAvailable(String username) {
        if (!Ids.validLocalpart(username)) throw new MatrixError(400, "M_INVALID_USERNAME", "Invalid username");
        String userId = ids.userId(username);
        boolean taken = db.tx(tx -> tx.queryOne("SELECT 1 FROM users WHERE user_id = ?", rs -> 1, userId).isPresent());
        if (taken) throw new MatrixError(400, "M_USER_IN_USE", "User ID already taken");
        return true;
    }

    /** {@code POST /login} with {@code m.login.password}. */
    public ObjectNode login(ObjectNode body) {
        String type = Json.requireString(body, "type");
        if (!"m.login.password".equals(type)) throw new MatrixError(400, "M_UNKNOWN", "Unknown login type " + type);
        String user = Json.optString(body, "user");
        ObjectNode identifier = Json.optObject(body, "identifier");
        if (identifier != null) {
            if (!"m.id.user".equals(Json.optString(identifier, "type"))) throw new MatrixError(400, "M_UNKNOWN", "Unknown identifier type");
            user = Json.requireString(identifier, "user");
        }
        if (user == null) throw MatrixError.missingParam("Missing identifier");
        String password = Json.requireString(body, "password");
        String userId = user.startsWith("@") ? user : ids.userId(user.toLowerCase(java.util.Locale.ROOT));
        String deviceId = Json.optString(body, "device_id");
        String displayName = Json.optString(body, "initial_device_display_name");
        return db.tx(tx -> {
            String stored = tx.queryOne("SELECT password_hash FROM users WHERE user_id = ?", rs -> rs.getString(1), userId)
                    .orElse(null);
            if (stored == null || !checkPassword(password, stored)) throw MatrixError.forbidden("Invalid username or password");
            Session s = newSession(tx, userId, deviceId, displayName);
            ObjectNode out = Json.object();
            out.put("user_id", userId);
            out.put("access_token", s.token());
            out.put("device_id", s.deviceId());
            out.put("home_server", ids.serverName());
            return out;
        });
    }

    /** {@code POST /logout}: the token and its device are gone. */
    public void logout(Caller caller, boolean all) {
        db.tx(tx -> {
            if (all) {
                tx.update("DELETE FROM access_tokens WHERE user_id = ?", caller.userId());
                tokenCache.values().removeIf(c -> c.userId().equals(caller.userId()));
                tx.update("DELETE FROM devices WHERE user_id = ?", caller.userId());
                tx.update("DELETE FROM device_keys WHERE user_id = ?", caller.userId());
            } else {
                tx.update("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", caller.userId(), caller.deviceId());
                tokenCache.values().removeIf(caller::equals);
                tx.update("DELETE FROM devices WHERE user_id = ? AND device_id = ?", caller.userId(), caller.deviceId());
                tx.update("DELETE FROM device_keys WHERE user_id = ? AND device_id = ?", caller.userId(), caller.deviceId());
            }
            tx.update("INSERT INTO device_list_changes (stream_id, user_id) VALUES (?, ?)", tx.nextStreamId(), caller.userId());
            return null;
        });
    }

    private record Session(String token, String deviceId) {}

    private Session newSession(Tx tx, String userId, String deviceId, String displayName) throws SQLException {
        String device = deviceId == null || deviceId.isBlank() ? ids.deviceId() : deviceId;
        tx.update("MERGE INTO devices (user_id, device_id, display_name) KEY (user_id, device_id) VALUES (?, ?, ?)",
                userId, device, displayName);
        tx.update("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, device);
        Caller replaced = new Caller(userId, device);
        tokenCache.values().removeIf(replaced::equals);
        String token = ids.token();
        tx.update("INSERT INTO access_tokens (token_hash, user_id, device_id) VALUES (?, ?, ?)",
                Ids.sha256Hex(token), userId, device);
        return new Session(token, device);
    }

    // ---- OpenID ----------------------------------------------------------------------------------------

    public ObjectNode requestOpenIdToken(Caller caller, String userId) {
        if (!caller.userId().equals(userId)) throw MatrixError.forbidden("Cannot request OpenID tokens for other users");
        String token = ids.token();
        long expires = clock.millis() + OPENID_TTL_MS;
        db.tx(tx -> tx.update("INSERT INTO openid_tokens (token_hash, user_id, expires_ts) VALUES (?, ?, ?)",
                Ids.sha256Hex(token), userId, expires));
        ObjectNode out = Json.object();
        out.put("access_token", token);
        out.put("token_type", "Bearer");
        out.put("matrix_server_name", ids.serverName());
        out.put("expires_in", OPENID_TTL_MS / 1000);
        return out;
    }

    /** Federation {@code /openid/userinfo}: the user behind a live OpenID token. */
    public Optional<String> openIdUser(String token) {
        long now = clock.millis();
        return db.tx(tx -> tx.queryOne("SELECT user_id FROM openid_tokens WHERE token_hash = ? AND expires_ts > ?",
                rs -> rs.getString(1), Ids.sha256Hex(token), now));
    }

    // ---- profile, devices --------------------------------------------------------------------------------

    public ObjectNode profile(String userId) {
        return db.tx(tx -> tx.queryOne("SELECT displayname, avatar_url FROM users WHERE user_id = ?", rs -> {
            ObjectNode o = Json.object();
            if (rs.getString(1) != null) o.put("displayname", rs.getString(1));
            if (rs.getString(2) != null) o.put("avatar_url", rs.getString(2));
            return o;
        }, userId)).orElseThrow(() -> MatrixError.notFound("Profile not found"));
    }

    public void setProfileField(Caller caller, String userId, String field, JsonNode body) {
        if (!caller.userId().equals(userId)) throw MatrixError.forbidden("Cannot change another user's profile");
        String column = switch (field) {
            case "displayname" -> "displayname";
            case "avatar_url" -> "avatar_url";
            default -> throw MatrixError.unrecognized("Unknown profile field");
        };
        String value = Json.optString(body, field);
        db.tx(tx -> tx.update("UPDATE users SET " + column + " = ? WHERE user_id = ?", value, userId));
    }

    public ObjectNode devices(Caller caller) {
        return db.tx(tx -> {
            ObjectNode out = Json.object();
            var arr = out.putArray("devices");
            tx.query("SELECT device_id, display_name FROM devices WHERE user_id = ? ORDER BY device_id", rs -> {
                ObjectNode d = arr.addObject();
                d.put("device_id", rs.getString(1));
                if (rs.getString(2) != null) d.put("display_name", rs.getString(2));
                return d;
            }, caller.userId());
            return out;
        });
    }

    public ObjectNode device(Caller caller, String deviceId) {
        return db.tx(tx -> tx.queryOne("SELECT device_id, display_name FROM devices WHERE user_id = ? AND device_id = ?", rs -> {
            ObjectNode d = Json.object();
            d.put("device_id", rs.getString(1));
            if (rs.getString(2) != null) d.put("display_name", rs.getString(2));
            return d;
        }, caller.userId(), deviceId)).orElseThrow(() -> MatrixError.notFound("Device not found"));
    }

    public void renameDevice(Caller caller, String deviceId, String name) {
        int n = db.tx(tx -> tx.update("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?",
                name, caller.userId(), deviceId));
        if (n == 0) throw MatrixError.notFound("Device not found");
    }

    // ---- passwords -------------------------------------------------------------------------------------

    private String hashPassword(String password) {
        byte[] salt = ids.randomBytes(16);
        return "pbkdf2$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(pbkdf2(password, salt));
    }

    private static boolean checkPassword(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 3) return false;
        byte[] expected = Base64.getDecoder().decode(parts[2]);
        return MessageDigest.isEqual(expected, pbkdf2(password, Base64.getDecoder().decode(parts[1])));
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        try {
            // a development server: a low iteration count keeps tests fast; not for production secrets
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 1_000, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
