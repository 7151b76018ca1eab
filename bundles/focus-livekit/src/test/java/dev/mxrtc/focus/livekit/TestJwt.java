package dev.mxrtc.focus.livekit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** HS256 LiveKit access tokens for the test doubles (what lk-jwt-service mints and the SFU checks). */
final class TestJwt {

    static final String API_KEY = "devkey";
    static final String API_SECRET = "test-secret-of-at-least-32-bytes-long";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestJwt() {
    }

    static String mint(String identity, String room, long nowSeconds) {
        try {
            String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
            String payload = B64.encodeToString(JSON.writeValueAsBytes(Map.of("iss", API_KEY, "sub", identity,
                    "nbf", nowSeconds, "exp", nowSeconds + 3600, "video", Map.of("room", room, "roomJoin", true,
                            "canPublish", true, "canSubscribe", true, "canUpdateOwnMetadata", true))));
            return header + "." + payload + "." + B64.encodeToString(sign(header + "." + payload));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the claims, or null if the signature or expiry is wrong */
    static JsonNode verify(String jwt, long nowSeconds) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            byte[] expected = sign(parts[0] + "." + parts[1]);
            if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
                return null;
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.path("exp").asLong() > nowSeconds && claims.path("iss").asText().equals(API_KEY) ? claims : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static byte[] sign(String input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(API_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    }
}
