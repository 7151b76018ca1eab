package dev.mxrtc.matrix.okhttp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixError;
import dev.mxrtc.matrix.MatrixException;
import dev.mxrtc.matrix.WhoAmI;

/**
 * Getting a session: password and token login, registration (user-interactive {@code m.login.dummy}, and
 * Synapse's shared-secret admin registration for development servers), whoami and logout.
 */
final class Accounts {

    static final String CLIENT_V3 = "_matrix/client/v3";

    private final HttpTransport transport;

    Accounts(HttpTransport transport) {
        this.transport = transport;
    }

    /** {@code m.login.password} with a user identifier (full user id or localpart). */
    Session loginWithPassword(String user, String password, Optional<String> deviceId, String displayName) {
        ObjectNode body = transport.mapper().createObjectNode();
        body.put("type", "m.login.password");
        body.putObject("identifier").put("type", "m.id.user").put("user", user);
        body.put("password", password);
        return login(body, deviceId, displayName);
    }

    /** {@code m.login.token}. */
    Session loginWithToken(String loginToken, Optional<String> deviceId, String displayName) {
        ObjectNode body = transport.mapper().createObjectNode();
        body.put("type", "m.login.token");
        body.put("token", loginToken);
        return login(body, deviceId, displayName);
    }

    private Session login(ObjectNode body, Optional<String> deviceId, String displayName) {
        deviceId.ifPresent(d -> body.put("device_id", d));
        if (!displayName.isEmpty()) {
            body.put("initial_device_display_name", displayName);
        }
        JsonNode answer = transport.call(transport.request("POST", transport.url(CLIENT_V3, "login").build(), body,
                false), HttpTransport.Retry.RATE_LIMIT_ONLY);
        return session(answer);
    }

    /**
     * Registers with user-interactive auth, completing the {@code m.login.dummy} stage.
     *
     * @throws MatrixException {@link ErrorKind#USER_IN_USE} if taken, {@link ErrorKind#FORBIDDEN} if registration
     *         is closed or needs another stage
     */
    Session registerWithDummyAuth(String localpart, String password, Optional<String> deviceId, String displayName) {
        ObjectNode body = transport.mapper().createObjectNode();
        body.put("username", localpart);
        body.put("password", password);
        deviceId.ifPresent(d -> body.put("device_id", d));
        if (!displayName.isEmpty()) {
            body.put("initial_device_display_name", displayName);
        }
        var url = transport.url(CLIENT_V3, "register").addQueryParameter("kind", "user").build();
        HttpTransport.Answer first = transport.exchange(transport.http().newCall(
                transport.request("POST", url, body, false)));
        if (first.isSuccessful()) {
            return session(first.json());
        }
        JsonNode flows = first.json() == null ? null : first.json().get("flows");
        if (first.status() != 401 || flows == null) {
            throw new MatrixException(first.error());
        }
        boolean dummyOffered = false;
        for (JsonNode flow : flows) {
            JsonNode stages = flow.path("stages");
            if (stages.size() == 1 && "m.login.dummy".equals(stages.get(0).asText())) {
                dummyOffered = true;
            }
        }
        if (!dummyOffered) {
            throw new MatrixException(new MatrixError(ErrorKind.FORBIDDEN, "M_FORBIDDEN",
                    "registration needs more than m.login.dummy", 401, java.util.OptionalLong.empty(),
                    java.util.OptionalLong.empty(), false));
        }
        ObjectNode auth = body.putObject("auth").put("type", "m.login.dummy");
        String session = first.json().path("session").asText("");
        if (!session.isEmpty()) {
            auth.put("session", session);
        }
        return session(transport.call(transport.request("POST", url, body, false),
                HttpTransport.Retry.RATE_LIMIT_ONLY));
    }

    /**
     * Synapse shared-secret registration ({@code /_synapse/admin/v1/register}): a nonce, then an HMAC-SHA1 over
     * {@code nonce NUL user NUL password NUL notadmin} keyed with the shared secret.
     */
    Session registerWithSharedSecret(String localpart, String password, String sharedSecret, String displayName) {
        var url = transport.url("_synapse/admin/v1/register").build();
        JsonNode nonceAnswer = transport.call(transport.request("GET", url, null, false),
                HttpTransport.Retry.RATE_LIMIT_ONLY);
        String nonce = nonceAnswer.path("nonce").asText("");
        if (nonce.isEmpty()) {
            throw new MatrixException(new MatrixError(ErrorKind.OTHER, "M_UNKNOWN", "no nonce", 200,
                    java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), false));
        }
        ObjectNode body = transport.mapper().createObjectNode();
        body.put("nonce", nonce);
        body.put("username", localpart);
        body.put("password", password);
        body.put("admin", false);
        if (!displayName.isEmpty()) {
            body.put("displayname", displayName);
        }
        body.put("mac", hmacSha1(sharedSecret, nonce + "\0" + localpart + "\0" + password + "\0notadmin"));
        return session(transport.call(transport.request("POST", url, body, false),
                HttpTransport.Retry.RATE_LIMIT_ONLY));
    }

    WhoAmI whoAmI() {
        JsonNode a = transport.call(transport.request("GET", transport.url(CLIENT_V3, "account", "whoami").build(),
                null, true), HttpTransport.Retry.IDEMPOTENT);
        String device = a.path("device_id").asText("");
        return new WhoAmI(a.path("user_id").asText(), device.isEmpty() ? Optional.empty() : Optional.of(device),
                a.path("is_guest").asBoolean(false));
    }

    void logout() {
        transport.call(transport.request("POST", transport.url(CLIENT_V3, "logout").build(), null, true),
                HttpTransport.Retry.RATE_LIMIT_ONLY);
    }

    static String hmacSha1(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** The localpart of {@code @local:server}, or the argument if it is already one. */
    static String localpart(String userId) {
        if (userId.startsWith("@")) {
            int colon = userId.indexOf(':');
            return userId.substring(1, colon < 0 ? userId.length() : colon);
        }
        return userId;
    }

    private static Session session(JsonNode a) {
        String user = a.path("user_id").asText("");
        String token = a.path("access_token").asText("");
        String device = a.path("device_id").asText("");
        if (user.isEmpty() || token.isEmpty()) {
            throw new MatrixException(new MatrixError(ErrorKind.OTHER, "M_UNKNOWN", "login answer without a session",
                    200, java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), false));
        }
        return new Session(user, device, token);
    }
}
